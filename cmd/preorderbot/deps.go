package main

// Blank imports keep every module the project builds on in go.mod while its packages land.
import (
	_ "github.com/chromedp/chromedp"
	_ "github.com/go-resty/resty/v2"
	_ "github.com/gorilla/websocket"
	_ "github.com/kelseyhightower/envconfig"
	_ "github.com/prometheus/client_golang/prometheus"
	_ "github.com/slack-go/slack"
	_ "go.etcd.io/bbolt"
	_ "go.yaml.in/yaml/v3"
	_ "golang.org/x/sync/errgroup"
)
