//go:build tools

// Package tools keeps the versitygw command in this module's requirements.
package tools

import _ "github.com/versity/versitygw/cmd/versitygw"
