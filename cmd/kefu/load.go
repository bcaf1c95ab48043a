package main

import (
	"bufio"
	"bytes"
	"context"
	"encoding/json"
	"errors"
	"flag"
	"fmt"
	"io"
	"net/http"
	"slices"
	"strings"
	"sync"
	"time"
)

// kefu load is an open-loop load generator for a running kefu: web chat
// customers post at a fixed rate whatever the server's answers, each with
// its page's stream open, and it reports what a customer sees: how many
// posts were accepted, how long a post took, and how long from a post until
// the bot's answer appeared on the stream. Open loop, because a closed
// loop (the next post after the last answer) slows down with the server
// and hides the backlog a real crowd would build.

type loadOpts struct {
	url      string
	rate     float64
	duration time.Duration
	sessions int
	grace    time.Duration
}

type loadPost struct {
	session  int
	at       time.Time
	took     time.Duration
	status   int
	err      error
	msgID    int64
	answered time.Duration // 0: no answer seen
}

type loadReply struct {
	id int64
	at time.Time
}

type loadSession struct {
	mu      sync.Mutex
	replies []loadReply
}

func loadCmd(ctx context.Context, args []string, stdout, stderr io.Writer) error {
	fs := flag.NewFlagSet("load", flag.ContinueOnError)
	fs.SetOutput(stderr)
	var c loadOpts
	fs.StringVar(&c.url, "url", "http://127.0.0.1:8080", "the kefu to load")
	fs.Float64Var(&c.rate, "rate", 100, "posts per second offered")
	fs.DurationVar(&c.duration, "duration", 20*time.Second, "how long to offer load")
	fs.IntVar(&c.sessions, "sessions", 0, "customers (each with a stream open); default 3 s worth of posts, at least 100")
	fs.DurationVar(&c.grace, "grace", 10*time.Second, "how long to wait for the last answers")
	asJSON := fs.Bool("json", false, "print the result as JSON")
	if err := fs.Parse(args); err != nil {
		return err
	}
	if c.rate <= 0 || c.duration <= 0 {
		return errors.New("load: -rate and -duration must be positive")
	}
	if c.sessions <= 0 {
		c.sessions = max(100, int(3*c.rate))
	}
	res, err := runLoad(ctx, c)
	if err != nil {
		return err
	}
	if *asJSON {
		enc := json.NewEncoder(stdout)
		enc.SetIndent("", "  ")
		return enc.Encode(res)
	}
	fmt.Fprintf(stdout, "offered %.0f posts/s for %s to %d customers\n", c.rate, c.duration, c.sessions)
	fmt.Fprintf(stdout, "accepted %d of %d (%.1f/s), refused %d, failed %d\n", res.Accepted, res.Offered, res.AcceptedPerSecond, res.Refused, res.Failed)
	fmt.Fprintf(stdout, "post:   p50 %s  p99 %s  max %s\n", ms(res.PostP50), ms(res.PostP99), ms(res.PostMax))
	fmt.Fprintf(stdout, "answer: p50 %s  p99 %s  max %s  (%d accepted posts not answered within the grace)\n", ms(res.AnswerP50), ms(res.AnswerP99), ms(res.AnswerMax), res.Unanswered)
	return nil
}

func ms(d time.Duration) string { return fmt.Sprintf("%.1fms", float64(d)/float64(time.Millisecond)) }

// LoadResult is what kefu load measured.
type LoadResult struct {
	Offered           int           `json:"offered"`
	Accepted          int           `json:"accepted"`
	AcceptedPerSecond float64       `json:"accepted_per_second"`
	Refused           int           `json:"refused"` // an HTTP error status
	Failed            int           `json:"failed"`  // no answer from the server
	PostP50           time.Duration `json:"post_p50_ns"`
	PostP99           time.Duration `json:"post_p99_ns"`
	PostMax           time.Duration `json:"post_max_ns"`
	AnswerP50         time.Duration `json:"answer_p50_ns"`
	AnswerP99         time.Duration `json:"answer_p99_ns"`
	AnswerMax         time.Duration `json:"answer_max_ns"`
	Unanswered        int           `json:"unanswered"`
}

var loadTexts = []string{
	"你好，我家洗衣机昨天开始不脱水了", "型号XQG100-B12", "去年双十一买的", "想上门维修", "13812345678",
	"冰箱不制冷，里面的东西都化了", "空调外机噪音很大", "快递到了但是少了一个配件", "热水器显示E4", "好的",
}

func runLoad(ctx context.Context, c loadOpts) (LoadResult, error) {
	run := time.Now().UnixNano()
	client := &http.Client{Transport: &http.Transport{MaxIdleConnsPerHost: 1024, MaxConnsPerHost: 0, IdleConnTimeout: time.Minute}}
	streamCtx, stopStreams := context.WithCancel(ctx)
	defer stopStreams()
	sessions := make([]*loadSession, c.sessions)
	name := func(i int) string { return fmt.Sprintf("load-%d-%06d", run, i) }
	var ready sync.WaitGroup
	for i := range sessions {
		sessions[i] = &loadSession{}
		ready.Add(1)
		go loadStream(streamCtx, client, c.url, name(i), sessions[i], ready.Done)
	}
	ready.Wait()

	var mu sync.Mutex
	var posts []*loadPost
	var wg sync.WaitGroup
	interval := time.Duration(float64(time.Second) / c.rate)
	start := time.Now()
	for k := 0; ; k++ {
		at := start.Add(time.Duration(k) * interval)
		if at.Sub(start) >= c.duration || ctx.Err() != nil {
			break
		}
		time.Sleep(time.Until(at)) // the schedule, not the server, decides when the next post goes
		p := &loadPost{session: k % c.sessions, at: time.Now()}
		mu.Lock()
		posts = append(posts, p)
		mu.Unlock()
		wg.Go(func() {
			// Client message ids are unique per channel, as browsers make them.
			loadPostOne(ctx, client, c.url, name(p.session), fmt.Sprintf("%d-%d", run, k), loadTexts[k%len(loadTexts)], p)
		})
	}
	wg.Wait()
	elapsed := time.Since(start)
	deadline := time.Now().Add(c.grace)
	for time.Now().Before(deadline) && ctx.Err() == nil {
		if answerAll(posts, sessions) == 0 {
			break
		}
		time.Sleep(100 * time.Millisecond)
	}
	answerAll(posts, sessions)
	stopStreams()

	var res LoadResult
	var postLat, answerLat []time.Duration
	for _, p := range posts {
		res.Offered++
		switch {
		case p.err != nil:
			res.Failed++
		case p.status != http.StatusAccepted:
			res.Refused++
		default:
			res.Accepted++
			postLat = append(postLat, p.took)
			if p.answered > 0 {
				answerLat = append(answerLat, p.answered)
			} else {
				res.Unanswered++
			}
		}
	}
	res.AcceptedPerSecond = float64(res.Accepted) / elapsed.Seconds()
	res.PostP50, res.PostP99, res.PostMax = quantiles(postLat)
	res.AnswerP50, res.AnswerP99, res.AnswerMax = quantiles(answerLat)
	return res, nil
}

// answerAll matches each accepted post with the first answer on its
// customer's stream after it (message ids only grow), and returns how many
// are still unanswered.
func answerAll(posts []*loadPost, sessions []*loadSession) int {
	left := 0
	for _, p := range posts {
		if p.answered > 0 || p.err != nil || p.status != http.StatusAccepted || p.msgID == 0 {
			continue
		}
		s := sessions[p.session]
		s.mu.Lock()
		for _, r := range s.replies {
			if r.id > p.msgID {
				p.answered = max(r.at.Sub(p.at), time.Nanosecond)
				break
			}
		}
		s.mu.Unlock()
		if p.answered == 0 {
			left++
		}
	}
	return left
}

func quantiles(d []time.Duration) (p50, p99, top time.Duration) {
	if len(d) == 0 {
		return 0, 0, 0
	}
	slices.Sort(d)
	at := func(q float64) time.Duration { return d[min(len(d)-1, int(q*float64(len(d))))] }
	return at(0.50), at(0.99), d[len(d)-1]
}

func loadPostOne(ctx context.Context, client *http.Client, base, session, id, text string, p *loadPost) {
	body, _ := json.Marshal(map[string]string{"session": session, "client_message_id": id, "text": text})
	req, err := http.NewRequestWithContext(ctx, "POST", base+"/api/webchat/messages", bytes.NewReader(body))
	if err != nil {
		p.err = err
		return
	}
	req.Header.Set("Content-Type", "application/json")
	resp, err := client.Do(req)
	p.took = time.Since(p.at)
	if err != nil {
		p.err = err
		return
	}
	defer resp.Body.Close()
	p.status = resp.StatusCode
	var out struct {
		MessageID int64 `json:"message_id"`
	}
	_ = json.NewDecoder(resp.Body).Decode(&out)
	p.msgID = out.MessageID
}

// loadStream keeps a customer's page stream open and notes when each of
// the bot's messages arrives.
func loadStream(ctx context.Context, client *http.Client, base, session string, s *loadSession, ready func()) {
	once := sync.OnceFunc(ready)
	defer once()
	for ctx.Err() == nil {
		req, err := http.NewRequestWithContext(ctx, "GET", base+"/api/webchat/stream?session="+session, nil)
		if err != nil {
			return
		}
		resp, err := client.Do(req)
		if err != nil {
			once()
			time.Sleep(500 * time.Millisecond) // reconnect as the page's EventSource would
			continue
		}
		once()
		sc := bufio.NewScanner(resp.Body)
		for sc.Scan() {
			data, ok := strings.CutPrefix(sc.Text(), "data: ")
			if !ok {
				continue
			}
			var m struct {
				ID        int64  `json:"id"`
				Direction string `json:"direction"`
			}
			if json.Unmarshal([]byte(data), &m) == nil && m.Direction == "out" {
				s.mu.Lock()
				s.replies = append(s.replies, loadReply{id: m.ID, at: time.Now()})
				s.mu.Unlock()
			}
		}
		resp.Body.Close()
	}
}
