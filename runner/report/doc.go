// Package report renders a finished tournament as one self-contained HTML
// page: leaderboard, demand-class mix and forecast plots drawn as inline
// SVG, with nothing loaded from the network.
package report
