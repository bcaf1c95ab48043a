package console

import (
	"net/http"
	"slices"
	"strings"

	"github.com/kefu-dev/kefu/cases"
	"github.com/kefu-dev/kefu/internal/reportxlsx"
	"github.com/kefu-dev/kefu/service"
)

// reportXLSX is the report of a period as an Excel workbook
// (internal/reportxlsx): the summary's figures, a sheet each, and the case
// list, in the language of ?lang= or else the Accept-Language header
// (zh-CN when neither is spoken). It takes the filters of
// /reports/summary, with the same permission.
func (a *API) reportXLSX(w http.ResponseWriter, r *http.Request, u cases.User) error {
	f, err := ReportFilterOf(r, u, "lang")
	if err != nil {
		return err
	}
	lang := r.URL.Query().Get("lang")
	switch {
	case lang == "":
		if lang = reportxlsx.Lang(r.Header.Get("Accept-Language")); lang == "" {
			lang = reportxlsx.Languages[0]
		}
	case !slices.Contains(reportxlsx.Languages, lang):
		return invalid("lang: %q is not one of %s", lang, strings.Join(reportxlsx.Languages, ", "))
	}
	rep, err := a.svc.ReportSummary(r.Context(), u, f)
	if err != nil {
		return err
	}
	name := "kefu-report-" + rep.From.Format("2006-01-02") + ".xlsx"
	// The workbook is zipped only at its end, so the first byte comes
	// when everything else worked: an error before it is still a proper
	// response.
	out := &startOnWrite{w: w, start: func() {
		exportHeaders(w, reportxlsx.ContentType, name)
		w.WriteHeader(http.StatusOK)
	}}
	err = reportxlsx.Write(out, lang, rep, func(fn func(service.ReportCase) error) error {
		return a.svc.ReportCases(r.Context(), u, f, fn)
	})
	if err != nil && !out.started {
		return err
	}
	if err != nil { // the status is sent: log it, the client sees a short file
		a.log.ErrorContext(r.Context(), "report workbook cut short", "err", err)
	}
	return nil
}

// startOnWrite calls start before the first byte goes out.
type startOnWrite struct {
	w       http.ResponseWriter
	start   func()
	started bool
}

func (s *startOnWrite) Write(p []byte) (int, error) {
	if !s.started {
		s.started = true
		s.start()
	}
	return s.w.Write(p)
}
