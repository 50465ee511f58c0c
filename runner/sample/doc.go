// Package sample classifies items by demand pattern and draws the
// deterministic, class-stratified item samples behind the run modes.
package sample
