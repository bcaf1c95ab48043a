package console

import (
	"context"
	"flag"
	"fmt"
	"io"
	"net/http"
	"net/http/httptest"
	"runtime"
	"runtime/metrics"
	"sync"
	"sync/atomic"
	"testing"
	"time"

	"github.com/kefu-dev/kefu/cases"
	"github.com/kefu-dev/kefu/service"
)

var exportCases = flag.Int("export.cases", 100_000, "cases exported by BenchmarkExportCases")

// manyCases is a Service whose period holds n cases with every field
// filled, as a store would stream them.
type manyCases struct {
	*fakeService
	n int
}

func (m manyCases) ReportCases(ctx context.Context, u cases.User, flt service.ReportFilter, fn func(service.ReportCase) error) error {
	sh := time.FixedZone("CST", 8*3600)
	t0 := time.Date(2026, 11, 1, 0, 0, 0, 0, sh)
	for i := range m.n {
		at := t0.Add(time.Duration(i) * 20 * time.Second)
		c := &cases.Case{Number: fmt.Sprintf("K-%07d", i+1), CreatedAt: at, Channel: "wechat", Category: cases.CategoryTechnical,
			Subtype: "no_power", Priority: cases.P2, Department: cases.DeptTechnicalSupport, State: cases.StateInProgress, Assignee: 9,
			Fields: map[cases.FieldKey]string{
				cases.FieldCustomerName: "周敏", cases.FieldPhone: "13812345678", cases.FieldProductModel: "XQG100-B12",
				cases.FieldPurchaseDate: "2025-11-11", cases.FieldSymptom: "洗衣机昨天开始不脱水了，显示E21，断电重启也一样",
				cases.FieldDemand: "repair", cases.FieldOccurredAt: "2026-10-31", cases.FieldTried: "断电重启", cases.FieldEnvironment: "阳台",
			}}
		clocks := []cases.Clock{
			{Name: cases.ClockFirstResponse, Due: at.Add(30 * time.Minute), Done: at.Add(time.Minute), Status: cases.ClockMet},
			{Name: cases.ClockStartBy, Due: at.Add(8 * time.Hour), Status: cases.ClockMissed},
		}
		if err := fn(service.ReportCase{Case: c, Clocks: clocks, Survey: map[string]int{"timeliness": 4}, Zone: sh}); err != nil {
			return err
		}
	}
	return nil
}

// heapPeak samples the live heap until stop is called and returns its
// highest value above the heap at the start.
func heapPeak() (stop func() uint64) {
	runtime.GC()
	s := []metrics.Sample{{Name: "/memory/classes/heap/objects:bytes"}}
	read := func() uint64 { metrics.Read(s); return s[0].Value.Uint64() }
	base := read()
	var peak atomic.Uint64
	done := make(chan struct{})
	var wg sync.WaitGroup
	wg.Go(func() {
		t := time.NewTicker(5 * time.Millisecond)
		defer t.Stop()
		for {
			if v := read(); v > peak.Load() {
				peak.Store(v)
			}
			select {
			case <-done:
				return
			case <-t.C:
			}
		}
	})
	return func() uint64 {
		close(done)
		wg.Wait()
		if p := peak.Load(); p > base {
			return p - base
		}
		return 0
	}
}

// BenchmarkExportCases exports -export.cases cases (default 100,000) as
// xlsx through the streaming writer, and as CSV, the baseline measured
// in the same loop. x-csv is the xlsx's time as a multiple of the CSV's;
// peak-MB the most the live heap grew during one xlsx export.
//
//	go test ./console -run '^$' -bench ExportCases -benchtime 3x
func BenchmarkExportCases(b *testing.B) {
	a := New(manyCases{fakeService: &fakeService{}, n: *exportCases}, nil)
	r := httptest.NewRequest("GET", "/api/v1/reports/cases.xlsx?from=2026-11-01&to=2026-12-01", nil)
	var xlsx, csv time.Duration
	var peak uint64
	var size int
	for b.Loop() {
		t := time.Now()
		w := &countingWriter{header: http.Header{}}
		if err := a.reportCasesCSV(w, r, head); err != nil {
			b.Fatal(err)
		}
		csv += time.Since(t)

		stop := heapPeak()
		t = time.Now()
		w = &countingWriter{header: http.Header{}}
		if err := a.WriteCasesXLSX(w, r, head, ExportNames{}); err != nil {
			b.Fatal(err)
		}
		xlsx += time.Since(t)
		peak = max(peak, stop())
		size = w.n
	}
	b.ReportMetric(float64(xlsx)/float64(csv), "x-csv")
	b.ReportMetric(float64(xlsx.Milliseconds())/float64(b.N), "ms/xlsx")
	b.ReportMetric(float64(peak)/(1<<20), "peak-MB")
	b.ReportMetric(float64(size)/(1<<20), "xlsx-MB")
}

// countingWriter is a ResponseWriter that counts and drops the body.
type countingWriter struct {
	header http.Header
	n      int
}

func (w *countingWriter) Header() http.Header { return w.header }
func (w *countingWriter) WriteHeader(int)     {}
func (w *countingWriter) Write(p []byte) (int, error) {
	w.n += len(p)
	return len(p), nil
}

var _ io.Writer = (*countingWriter)(nil)
