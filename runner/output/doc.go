// Package output writes a tournament's forecasts, leaderboard and summary
// into a directory, each file replaced atomically.
package output
