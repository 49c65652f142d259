package server

import (
	"context"
	"fmt"
	"io"
	"log/slog"
	"sync"

	vtlog "github.com/dolthub/vitess/go/vt/log"
	"github.com/sirupsen/logrus"
)

// NewLogger returns a text slog.Logger writing to w at the given level (debug, info, warn,
// error).
func NewLogger(w io.Writer, level string) (*slog.Logger, error) {
	lvl, err := ParseLogLevel(level)
	if err != nil {
		return nil, err
	}
	return slog.New(slog.NewTextHandler(w, &slog.HandlerOptions{Level: lvl})), nil
}

var globalLogMu sync.Mutex

// RouteLibraryLogs sends what go-mysql-server (logrus) and vitess (its log package) log to
// logger instead of their own stderr output. Both are process-wide loggers, so the last
// call wins; the server calls it in New, dsql sql with a logger at level warn.
func RouteLibraryLogs(logger *slog.Logger) {
	globalLogMu.Lock()
	defer globalLogMu.Unlock()

	ctx := context.Background()
	lvl := slog.LevelError
	for _, l := range []slog.Level{slog.LevelDebug, slog.LevelInfo, slog.LevelWarn} {
		if logger.Enabled(ctx, l) {
			lvl = l
			break
		}
	}
	lr := logrus.StandardLogger()
	lr.SetOutput(io.Discard)
	lr.ReplaceHooks(logrus.LevelHooks{})
	lr.AddHook(&logrusHook{logger: logger})
	switch lvl {
	case slog.LevelDebug:
		lr.SetLevel(logrus.DebugLevel)
	case slog.LevelInfo:
		lr.SetLevel(logrus.InfoLevel)
	case slog.LevelWarn:
		lr.SetLevel(logrus.WarnLevel)
	default:
		lr.SetLevel(logrus.ErrorLevel)
	}

	vt := logger.With("component", "vitess")
	printf := func(l slog.Level) func(string, ...any) {
		return func(format string, args ...any) { vt.Log(ctx, l, fmt.Sprintf(format, args...)) }
	}
	print := func(l slog.Level) func(...any) {
		return func(args ...any) { vt.Log(ctx, l, fmt.Sprint(args...)) }
	}
	vtlog.Info, vtlog.Infof = print(slog.LevelInfo), printf(slog.LevelInfo)
	vtlog.Warning, vtlog.Warningf = print(slog.LevelWarn), printf(slog.LevelWarn)
	vtlog.Error, vtlog.Errorf = print(slog.LevelError), printf(slog.LevelError)
}

// logrusHook forwards logrus entries to a slog.Logger.
type logrusHook struct {
	logger *slog.Logger
}

func (h *logrusHook) Levels() []logrus.Level { return logrus.AllLevels }

func (h *logrusHook) Fire(e *logrus.Entry) error {
	var lvl slog.Level
	switch e.Level {
	case logrus.TraceLevel, logrus.DebugLevel:
		lvl = slog.LevelDebug
	case logrus.InfoLevel:
		lvl = slog.LevelInfo
	case logrus.WarnLevel:
		lvl = slog.LevelWarn
	default:
		lvl = slog.LevelError
	}
	attrs := make([]any, 0, 2*len(e.Data))
	for k, v := range e.Data {
		if err, ok := v.(error); ok {
			v = err.Error() // GMS's errors print a stack trace with %+v, slog's format
		}
		attrs = append(attrs, k, v)
	}
	h.logger.Log(context.Background(), lvl, e.Message, attrs...)
	return nil
}
