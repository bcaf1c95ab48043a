package main

import (
	"context"
	"crypto/rand"
	"flag"
	"fmt"
	"io"
	"log/slog"
	"math/big"
	"os"
	"strings"
	"text/tabwriter"
	"time"

	"github.com/kefu-dev/kefu/configs"
	"github.com/kefu-dev/kefu/service"
)

// userManage runs kefu user list, disable and token: the operator's way to
// see who has access and to take it away or re-key it at once.
func userManage(ctx context.Context, cmd string, args []string, stdout, stderr io.Writer) error {
	fs := flag.NewFlagSet("user "+cmd, flag.ContinueOnError)
	fs.SetOutput(stderr)
	path := fs.String("config", os.Getenv("KEFU_CONFIG"), "configuration file (YAML)")
	id := fs.Int64("id", 0, "the user's id (kefu user list)")
	enable := fs.Bool("enable", false, "with disable: enable the user again")
	login := fs.String("login", "", "with reset-password: set (or change) the console sign-in name")
	pwStdin := fs.Bool("password-stdin", false, "with reset-password: read the password from standard input instead of generating one")
	if err := fs.Parse(args); err != nil {
		return err
	}
	if cmd != "list" && *id <= 0 {
		return fmt.Errorf("user %s: -id is required", cmd)
	}
	cfg, err := configs.Load(*path, os.Environ())
	if err != nil {
		return err
	}
	st, err := openStore(ctx, cfg, slog.New(slog.DiscardHandler), time.Now)
	if err != nil {
		return err
	}
	defer st.Close()
	svc := service.New(service.Options{Store: st, SLA: cfg.SLA})
	switch cmd {
	case "list":
		users, err := svc.Team().UserList(ctx)
		if err != nil {
			return fmt.Errorf("user list: %w", err)
		}
		w := tabwriter.NewWriter(stdout, 0, 4, 2, ' ', 0)
		fmt.Fprintln(w, "ID\tNAME\tLOGIN\tROLE\tDEPARTMENT\tSTATE\tCREATED")
		for _, u := range users {
			state := "enabled"
			if u.Disabled {
				state = "disabled"
			}
			fmt.Fprintf(w, "%d\t%s\t%s\t%s\t%s\t%s\t%s\n", u.ID, u.Name, orDash(u.Login), u.Role, orDash(string(u.Department)), state, u.CreatedAt.UTC().Format(time.RFC3339))
		}
		return w.Flush()
	case "disable":
		if err := svc.Team().UserSetDisabled(ctx, *id, !*enable); err != nil {
			return fmt.Errorf("user disable: %w", err)
		}
		what := "disabled: their token and console sessions no longer work"
		if *enable {
			what = "enabled"
		}
		fmt.Fprintf(stdout, "user %d %s.\n", *id, what)
	case "token":
		token, err := svc.Team().UserNewToken(ctx, *id)
		if err != nil {
			return fmt.Errorf("user token: %w", err)
		}
		fmt.Fprintf(stdout, "user %d has a new API token; the old one no longer works.\nAPI token (shown once, keep it safe):\n%s\n", *id, token)
	case "reset-password":
		pw, err := newPassword(*pwStdin, os.Stdin)
		if err != nil {
			return fmt.Errorf("user reset-password: %w", err)
		}
		if err := svc.Team().UserSetPassword(ctx, *id, *login, pw); err != nil {
			return fmt.Errorf("user reset-password: %w", err)
		}
		fmt.Fprintf(stdout, "user %d has a new console password; their sessions were ended.\n", *id)
		printPassword(stdout, *login, pw, *pwStdin)
	}
	return nil
}

func orDash(s string) string {
	if s == "" {
		return "-"
	}
	return s
}

// newPassword reads a password from r (its first line) or generates one:
// 16 characters from an alphabet without look-alikes (0/O, 1/l/I), about
// 85 bits, to be read off a screen and typed once.
func newPassword(fromStdin bool, r io.Reader) (string, error) {
	if fromStdin {
		b, err := io.ReadAll(io.LimitReader(r, 1024))
		if err != nil {
			return "", fmt.Errorf("read password: %w", err)
		}
		line, _, _ := strings.Cut(string(b), "\n")
		return strings.TrimRight(line, "\r"), nil
	}
	const alphabet = "abcdefghijkmnpqrstuvwxyzABCDEFGHJKLMNPQRSTUVWXYZ23456789"
	out := make([]byte, 16)
	for i := range out {
		n, err := rand.Int(rand.Reader, big.NewInt(int64(len(alphabet))))
		if err != nil {
			return "", fmt.Errorf("generate password: %w", err)
		}
		out[i] = alphabet[n.Int64()]
	}
	return string(out), nil
}

// printPassword shows a generated password once; one the operator typed is
// not echoed back.
func printPassword(w io.Writer, login, pw string, typed bool) {
	if login != "" {
		fmt.Fprintf(w, "console sign-in: %s\n", login)
	}
	if !typed {
		fmt.Fprintf(w, "console password (shown once; sign in at /console/):\n%s\n", pw)
	}
}
