package cli

import (
	"bufio"
	"bytes"
	"context"
	"encoding/json"
	"errors"
	"flag"
	"fmt"
	"io"
	"mime/multipart"
	"net/http"
	"os"
	"path/filepath"
	"strings"
	"time"
)

// credentials are what `arena login` saves for later commands.
type credentials struct {
	Server string `json:"server"`
	Token  string `json:"token"`
	User   string `json:"user"`
	Role   string `json:"role"`
}

type clientFlags struct {
	server    string
	tokenFile string
}

func (f *clientFlags) register(fs *flag.FlagSet) {
	fs.StringVar(&f.server, "server", "", "SkillArena server URL, e.g. http://127.0.0.1:8080 (default: the one logged in to)")
	fs.StringVar(&f.tokenFile, "token-file", homeDefault(".config/arena/credentials.json"), "where the login token is kept")
}

// apiError decodes the API's {error: {code, message}}.
func apiError(resp *http.Response) error {
	var body struct {
		Error struct {
			Code    string `json:"code"`
			Message string `json:"message"`
		} `json:"error"`
	}
	b, _ := io.ReadAll(io.LimitReader(resp.Body, 1<<20))
	if json.Unmarshal(b, &body) == nil && body.Error.Message != "" {
		return fmt.Errorf("%s (%s)", body.Error.Message, resp.Status)
	}
	return fmt.Errorf("server answered %s", resp.Status)
}

// newHTTPClient is the client the command-line tools use to reach a server.
func newHTTPClient() *http.Client { return &http.Client{Timeout: 60 * time.Second} }

func loginCommand() command {
	return command{
		name: "login", summary: "log in to a SkillArena server and save the token for later commands",
		setup: func(fs *flag.FlagSet) func(context.Context, *Env, []string) error {
			var cf clientFlags
			cf.register(fs)
			user := fs.String("user", "", "username")
			password := fs.String("password", "", "password (default: read a line from standard input)")
			return func(ctx context.Context, env *Env, args []string) error {
				server := strings.TrimRight(cf.server, "/")
				if server == "" {
					server = "http://127.0.0.1:8080"
				}
				if *user == "" {
					return errors.New("--user is required")
				}
				pw := *password
				if pw == "" {
					fmt.Fprint(env.Stderr, "Password: ")
					line, err := bufio.NewReader(env.Stdin).ReadString('\n')
					if err != nil && line == "" {
						return fmt.Errorf("read password: %w", err)
					}
					pw = strings.TrimRight(line, "\r\n")
				}
				body, _ := json.Marshal(map[string]string{"username": *user, "password": pw})
				req, err := http.NewRequestWithContext(ctx, http.MethodPost, server+"/api/auth/login", bytes.NewReader(body))
				if err != nil {
					return err
				}
				req.Header.Set("Content-Type", "application/json")
				resp, err := newHTTPClient().Do(req)
				if err != nil {
					return fmt.Errorf("log in to %s: %w", server, err)
				}
				defer resp.Body.Close()
				if resp.StatusCode != http.StatusOK {
					return fmt.Errorf("log in: %w", apiError(resp))
				}
				var out struct {
					Token string `json:"token"`
					Role  string `json:"role"`
				}
				if err := json.NewDecoder(resp.Body).Decode(&out); err != nil {
					return fmt.Errorf("log in: bad answer: %w", err)
				}
				cred := credentials{Server: server, Token: out.Token, User: *user, Role: out.Role}
				if err := saveCredentials(cf.tokenFile, cred); err != nil {
					return err
				}
				fmt.Fprintf(env.Stdout, "logged in to %s as %s (%s); token saved in %s\n", server, *user, out.Role, cf.tokenFile)
				return nil
			}
		},
	}
}

func saveCredentials(path string, c credentials) error {
	if err := os.MkdirAll(filepath.Dir(path), 0o700); err != nil {
		return fmt.Errorf("save token: %w", err)
	}
	b, _ := json.MarshalIndent(c, "", "  ")
	if err := os.WriteFile(path, b, 0o600); err != nil {
		return fmt.Errorf("save token: %w", err)
	}
	return nil
}

func loadCredentials(f clientFlags) (credentials, error) {
	var c credentials
	b, err := os.ReadFile(f.tokenFile)
	if err != nil {
		return c, fmt.Errorf("no saved login in %s: run 'arena login' first", f.tokenFile)
	}
	if err := json.Unmarshal(b, &c); err != nil {
		return c, fmt.Errorf("%s is damaged: run 'arena login' again", f.tokenFile)
	}
	if f.server != "" {
		c.Server = strings.TrimRight(f.server, "/")
	}
	return c, nil
}

func submitCommand() command {
	return command{
		name: "submit", summary: "submit a solution file to a challenge", usage: "FILE",
		setup: func(fs *flag.FlagSet) func(context.Context, *Env, []string) error {
			var cf clientFlags
			cf.register(fs)
			cid := fs.String("contest", "", "contest id")
			slug := fs.String("challenge", "", "challenge slug")
			lang := fs.String("language", "python3", "language of the solution")
			wait := fs.Bool("wait", false, "wait for the verdict and print the result as JSON")
			timeout := fs.Duration("wait-timeout", 5*time.Minute, "how long --wait waits")
			return func(ctx context.Context, env *Env, args []string) error {
				if len(args) != 1 {
					return errors.New("give exactly one FILE to submit")
				}
				if *cid == "" || *slug == "" {
					return errors.New("--contest and --challenge are required")
				}
				cred, err := loadCredentials(cf)
				if err != nil {
					return err
				}
				data, err := os.ReadFile(args[0])
				if err != nil {
					return fmt.Errorf("read %s: %w", args[0], err)
				}
				var body bytes.Buffer
				mw := multipart.NewWriter(&body)
				_ = mw.WriteField("challenge", *slug)
				_ = mw.WriteField("language", *lang)
				fw, _ := mw.CreateFormFile("file", filepath.Base(args[0]))
				_, _ = fw.Write(data)
				_ = mw.Close()
				req, err := http.NewRequestWithContext(ctx, http.MethodPost, cred.Server+"/api/contests/"+*cid+"/submissions", &body)
				if err != nil {
					return err
				}
				req.Header.Set("Content-Type", mw.FormDataContentType())
				req.Header.Set("Authorization", "Bearer "+cred.Token)
				resp, err := newHTTPClient().Do(req)
				if err != nil {
					return fmt.Errorf("submit: %w", err)
				}
				defer resp.Body.Close()
				if resp.StatusCode != http.StatusAccepted {
					return fmt.Errorf("submit: %w", apiError(resp))
				}
				var created struct {
					ID     string `json:"id"`
					Status string `json:"status"`
				}
				if err := json.NewDecoder(resp.Body).Decode(&created); err != nil {
					return fmt.Errorf("submit: bad answer: %w", err)
				}
				if !*wait {
					fmt.Fprintf(env.Stdout, "submitted %s (%s)\n", created.ID, created.Status)
					return nil
				}
				fmt.Fprintf(env.Stderr, "submitted %s; waiting for the verdict…\n", created.ID)
				return waitVerdict(ctx, env, cred, created.ID, *timeout)
			}
		},
	}
}

// waitVerdict polls the submission until it is judged and prints it as JSON.
func waitVerdict(ctx context.Context, env *Env, cred credentials, sid string, timeout time.Duration) error {
	ctx, cancel := context.WithTimeout(ctx, timeout)
	defer cancel()
	delay := 200 * time.Millisecond
	for {
		req, err := http.NewRequestWithContext(ctx, http.MethodGet, cred.Server+"/api/submissions/"+sid, nil)
		if err != nil {
			return err
		}
		req.Header.Set("Authorization", "Bearer "+cred.Token)
		resp, err := newHTTPClient().Do(req)
		if err != nil {
			return fmt.Errorf("wait for %s: %w", sid, err)
		}
		b, err := io.ReadAll(resp.Body)
		resp.Body.Close()
		if err != nil {
			return fmt.Errorf("wait for %s: %w", sid, err)
		}
		if resp.StatusCode != http.StatusOK {
			return fmt.Errorf("wait for %s: server answered %s", sid, resp.Status)
		}
		var st struct {
			Status string `json:"status"`
		}
		_ = json.Unmarshal(b, &st)
		if st.Status == "done" {
			var out bytes.Buffer
			_ = json.Indent(&out, b, "", "  ")
			fmt.Fprintln(env.Stdout, out.String())
			return nil
		}
		select {
		case <-ctx.Done():
			return fmt.Errorf("no verdict for %s yet (status %s): %w", sid, st.Status, ctx.Err())
		case <-time.After(delay):
		}
		if delay < 2*time.Second {
			delay += delay / 2
		}
	}
}
