package main

import (
	_ "github.com/go-resty/resty/v2"
	_ "github.com/gorilla/websocket"
	_ "github.com/kelseyhightower/envconfig"
	_ "github.com/prometheus/client_golang/prometheus"
	_ "github.com/slack-go/slack"
	_ "github.com/stretchr/testify/require"
	_ "go.etcd.io/bbolt"
	_ "golang.org/x/sync/errgroup"
	_ "github.com/chromedp/chromedp"
	_ "go.yaml.in/yaml/v3"
)

func main() {}
