package tournament

import "github.com/forecastrun/forecastrun/runner/models"

// forecastEnsemble forecasts with the ensemble: the top-k models of the
// full backtest ranking are refit on the whole history, as a winning model
// is, and their forecasts combined. A member whose final fit fails is
// replaced by the next-ranked model. The intervals are conformal, from the
// ensemble's own backtest errors: they measure the combination's actual
// error, where a median or mean of the members' bounds would have no
// stated coverage (and some members give no intervals at all). It reports
// false, so that the next candidate takes over, when fewer than two
// members can be fit.
func (w *worker) forecastEnsemble(res *ItemResult, c candidate, ranked []candidate, filled []float64, p plan) bool {
	names, forecasts := w.fitMembers(res, ranked, filled)
	if len(forecasts) < 2 {
		dropCandidate(res, EnsembleName, "final fit: fewer than 2 members could be fit")
		return false
	}
	mean := make([]float64, w.cfg.Horizon)
	vals := make([]float64, len(forecasts))
	for j := range mean {
		for i, fc := range forecasts {
			vals[i] = fc[j]
		}
		mean[j] = w.cfg.Ensemble.Combine.of(vals)
	}
	res.Forecast = models.Forecast{Mean: mean}
	res.Winner, res.Score, res.EnsembleMembers = EnsembleName, Score(c.score), names
	w.recordWinnerBias(res, c.index, p)
	w.addIntervals(res, c.index, p)
	return true
}

// fitMembers fits the best-ranked models on the whole history until TopK
// of them have forecast the horizon. A model that fails is dropped from the
// scores, as a failing winner would be.
func (w *worker) fitMembers(res *ItemResult, ranked []candidate, filled []float64) (names []string, forecasts [][]float64) {
	for _, c := range ranked {
		if len(forecasts) == w.cfg.Ensemble.TopK {
			break
		}
		if c.index == len(w.cfg.Models) {
			continue
		}
		m := w.cfg.Models[c.index]
		fit, err := w.finalFit(c.index, filled)
		var fc models.Forecast
		if err == nil {
			fc, err = w.forecast(fit, w.cfg.Horizon)
		}
		if err != nil {
			dropCandidate(res, m.Name(), "final fit: "+err.Error())
			continue
		}
		names, forecasts = append(names, m.Name()), append(forecasts, fc.Mean)
	}
	return names, forecasts
}
