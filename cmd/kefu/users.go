package main

import (
	"context"
	"flag"
	"fmt"
	"io"
	"log/slog"
	"os"
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
		users, err := svc.UserList(ctx)
		if err != nil {
			return fmt.Errorf("user list: %w", err)
		}
		w := tabwriter.NewWriter(stdout, 0, 4, 2, ' ', 0)
		fmt.Fprintln(w, "ID\tNAME\tROLE\tDEPARTMENT\tSTATE\tCREATED")
		for _, u := range users {
			state := "enabled"
			if u.Disabled {
				state = "disabled"
			}
			fmt.Fprintf(w, "%d\t%s\t%s\t%s\t%s\t%s\n", u.ID, u.Name, u.Role, u.Department, state, u.CreatedAt.UTC().Format(time.RFC3339))
		}
		return w.Flush()
	case "disable":
		if err := svc.UserSetDisabled(ctx, *id, !*enable); err != nil {
			return fmt.Errorf("user disable: %w", err)
		}
		what := "disabled: their token no longer works"
		if *enable {
			what = "enabled"
		}
		fmt.Fprintf(stdout, "user %d %s.\n", *id, what)
	case "token":
		token, err := svc.UserNewToken(ctx, *id)
		if err != nil {
			return fmt.Errorf("user token: %w", err)
		}
		fmt.Fprintf(stdout, "user %d has a new API token; the old one no longer works.\nAPI token (shown once, keep it safe):\n%s\n", *id, token)
	}
	return nil
}
