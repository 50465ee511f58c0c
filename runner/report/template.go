package report

import (
	_ "embed"
	"html/template"
	"strconv"
)

//go:embed report.html.tmpl
var pageSource string

// pageTemplate escapes every value by context; item IDs and model names
// are user data and never reach the page unescaped.
var pageTemplate = template.Must(template.New("report").Funcs(template.FuncMap{
	"n":   func(x float64) string { return strconv.FormatFloat(x, 'f', 1, 64) },
	"add": func(a, b float64) float64 { return a + b },
}).Parse(pageSource))
