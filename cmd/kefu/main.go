// Command kefu runs the kefu after-sales service gateway.
//
//	kefu serve [-config FILE]        run the server (web chat on http://localhost:8080/)
//	kefu migrate [-config FILE]      apply database migrations and exit
//	kefu backup [-o FILE]            consistent copy of the SQLite database (VACUUM INTO)
//	kefu restore BACKUP.db           put a backup in place of the database (kefu stopped)
//	kefu config check [-config FILE] validate the configuration; errors name the key
//	kefu config example              print the annotated example configuration
//	kefu simulate FILE…              replay transcripts on a throwaway store with a fake clock
//	kefu eval FILE|DIR…              score the engine on a labelled corpus
//	kefu train FILE|DIR…             train the statistical classifier
//	kefu user add -name N -role R [-department D] [-login L]   create a staff user; prints the API token (and password) once
//	kefu user list | disable -id N [-enable] | token -id N | reset-password -id N   manage users
package main

import (
	"context"
	"errors"
	"flag"
	"fmt"
	"io"
	"log"
	"os"
	"os/signal"
	"syscall"
	"time"
	_ "time/tzdata" // customer time zones work in a scratch image too

	"log/slog"

	"github.com/kefu-dev/kefu/cases"
	"github.com/kefu-dev/kefu/channels"
	"github.com/kefu-dev/kefu/channels/wechat"
	"github.com/kefu-dev/kefu/configs"
	"github.com/kefu-dev/kefu/service"
)

func main() {
	ctx, stop := signal.NotifyContext(context.Background(), os.Interrupt, syscall.SIGTERM)
	defer stop()
	if err := run(ctx, os.Args[1:], os.Stdout, os.Stderr); err != nil {
		if errors.Is(err, flag.ErrHelp) {
			os.Exit(2)
		}
		log.SetFlags(0)
		log.Fatalf("kefu: %v", err)
	}
}

const usage = `usage:
  kefu serve [-config FILE]          run kefu
  kefu migrate [-config FILE]        apply database migrations
  kefu load [-url U] [-rate R] [-duration D] [-sessions N] [-json]
                                     open-loop web chat load against a running kefu: accepted/s,
                                     post and answer latency as customers see them
  kefu backup [-o FILE] [-config FILE]  copy the SQLite database while kefu runs (PostgreSQL: pg_dump)
  kefu restore [-config FILE] BACKUP.db  put a backup in place (stop kefu first); the old file is kept
  kefu config check [-config FILE]   validate the configuration
  kefu config example                print an annotated example configuration
  kefu simulate [-check] FILE…       replay transcript files (see README)
  kefu eval [-json] [-v] FILE|DIR…   score the engine on a labelled corpus (testdata/corpus)
  kefu train [-dev DIR] [-out FILE] FILE|DIR…  train the classifier on labelled conversations
  kefu wechat menu push [-config FILE]  push the configured (or default) Official Account menu
  kefu user add -name N -role R [-department D] [-login L [-password-stdin]] [-config FILE]
                                     create a staff user and print their API token (shown once);
                                     with -login they can sign in to the console at /console/
  kefu customers import [-config FILE] FILE.csv|FILE.xlsx
                                     import customers and purchases (columns: name, phone, email,
                                     wechat_openid, telegram_chat_id, product, model, purchase_date,
                                     member, language); each purchase plans its care touchpoints
  kefu user list [-config FILE]      list the staff users
  kefu user disable -id N [-enable] [-config FILE]
                                     disable a user (their token stops at once), or enable again
  kefu user token -id N [-config FILE]
                                     replace a user's API token (the old one stops at once)
  kefu user reset-password -id N [-login L] [-password-stdin] [-config FILE]
                                     set a console password (generated and printed once unless read
                                     from stdin) and end the user's sessions
`

func run(ctx context.Context, args []string, stdout, stderr io.Writer) error {
	if len(args) == 0 {
		fmt.Fprint(stderr, usage)
		return flag.ErrHelp
	}
	cmd, rest := args[0], args[1:]
	switch cmd {
	case "serve":
		cfg, err := loadConfig(rest, stderr)
		if err != nil {
			return err
		}
		m := NewMain(cfg, stderr)
		if err := m.Run(ctx); err != nil {
			m.Close()
			return err
		}
		<-ctx.Done()
		return m.Close()
	case "load":
		return loadCmd(ctx, rest, stdout, stderr)
	case "backup":
		return backupCmd(ctx, rest, stdout, stderr)
	case "restore":
		return restoreCmd(ctx, rest, stdout, stderr)
	case "migrate":
		cfg, err := loadConfig(rest, stderr)
		if err != nil {
			return err
		}
		if err := migrate(ctx, cfg); err != nil {
			return err
		}
		fmt.Fprintln(stdout, "migrations applied")
		return nil
	case "config":
		if len(rest) == 0 {
			fmt.Fprint(stderr, usage)
			return flag.ErrHelp
		}
		switch rest[0] {
		case "check":
			cfg, err := loadConfig(rest[1:], stderr)
			if err != nil {
				return err
			}
			if _, err := cfg.Engine(); err != nil {
				return err
			}
			if _, err := cfg.Canned(); err != nil {
				return err
			}
			fmt.Fprintln(stdout, "config ok")
			return nil
		case "example":
			_, err := stdout.Write(configs.Example())
			return err
		}
	case "simulate":
		return simulateCmd(ctx, rest, stdout, stderr)
	case "eval":
		return evalCmd(ctx, rest, stdout, stderr)
	case "train":
		return trainCmd(ctx, rest, stdout, stderr)
	case "wechat":
		if len(rest) < 2 || rest[0] != "menu" || rest[1] != "push" {
			fmt.Fprint(stderr, usage)
			return flag.ErrHelp
		}
		cfg, err := loadConfig(rest[2:], stderr)
		if err != nil {
			return err
		}
		if !cfg.WeChat.Enabled {
			return fmt.Errorf("wechat.enabled: the WeChat channel is not configured")
		}
		wc, err := wechat.New(cfg.WeChat, nopInbox{}, wechat.Options{})
		if err != nil {
			return fmt.Errorf("wechat: %w", err)
		}
		defer wc.Close()
		menu := cfg.WeChat.Menu
		if len(menu.Buttons) == 0 {
			menu = wechat.DefaultMenu()
		}
		if err := wc.PushMenu(ctx, menu); err != nil {
			return err
		}
		fmt.Fprintln(stdout, "menu pushed")
		return nil
	case "user":
		if len(rest) == 0 {
			fmt.Fprint(stderr, usage)
			return flag.ErrHelp
		}
		switch rest[0] {
		case "add":
			return userAdd(ctx, rest[1:], stdout, stderr)
		case "list", "disable", "token", "reset-password":
			return userManage(ctx, rest[0], rest[1:], stdout, stderr)
		}
		fmt.Fprint(stderr, usage)
		return flag.ErrHelp
	case "customers":
		if len(rest) == 0 || rest[0] != "import" {
			fmt.Fprint(stderr, usage)
			return flag.ErrHelp
		}
		return customersImport(ctx, rest[1:], stdout, stderr)
	case "help", "-h", "--help":
		fmt.Fprint(stdout, usage)
		return nil
	}
	fmt.Fprint(stderr, usage)
	return fmt.Errorf("unknown command %q", cmd)
}

func loadConfig(args []string, stderr io.Writer) (configs.Config, error) {
	fs := flag.NewFlagSet("kefu", flag.ContinueOnError)
	fs.SetOutput(stderr)
	path := fs.String("config", os.Getenv("KEFU_CONFIG"), "configuration file (YAML)")
	if err := fs.Parse(args); err != nil {
		return configs.Config{}, err
	}
	return configs.Load(*path, os.Environ())
}

func userAdd(ctx context.Context, args []string, stdout, stderr io.Writer) error {
	fs := flag.NewFlagSet("user add", flag.ContinueOnError)
	fs.SetOutput(stderr)
	path := fs.String("config", os.Getenv("KEFU_CONFIG"), "configuration file (YAML)")
	name := fs.String("name", "", "the user's name")
	role := fs.String("role", "", "specialist, supervisor, handler, head or admin")
	dept := fs.String("department", "", "technical_support, logistics, quality_control or customer_service (handlers and heads)")
	login := fs.String("login", "", "console sign-in name; a password is generated (or read from stdin with -password-stdin) and printed once")
	pwStdin := fs.Bool("password-stdin", false, "with -login: read the password from standard input instead of generating one")
	if err := fs.Parse(args); err != nil {
		return err
	}
	var password string
	if *login != "" {
		var err error
		if password, err = newPassword(*pwStdin, os.Stdin); err != nil {
			return fmt.Errorf("user add: %w", err)
		}
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
	engine, err := cfg.Engine()
	if err != nil {
		return err
	}
	svc := service.New(service.Options{Store: st, Engine: engine, SLA: cfg.SLA})
	u, token, err := svc.Team().UserAdd(ctx, *name, cases.Role(*role), cases.Department(*dept))
	if err != nil {
		return fmt.Errorf("user add: %w", err)
	}
	fmt.Fprintf(stdout, "user %d (%s, %s) created.\nAPI token (shown once, keep it safe):\n%s\n", u.ID, u.Name, u.Role, token)
	if *login == "" {
		return nil
	}
	if err := svc.Team().UserSetPassword(ctx, u.ID, *login, password); err != nil {
		return fmt.Errorf("user add: the user exists but has no console sign-in (kefu user reset-password -id %d -login …): %w", u.ID, err)
	}
	printPassword(stdout, *login, password, *pwStdin)
	return nil
}

// nopInbox serves commands that only call the WeChat API.
type nopInbox struct{}

func (nopInbox) Receive(context.Context, channels.Inbound) (channels.Receipt, error) {
	return channels.Receipt{}, fmt.Errorf("not serving")
}
