//go:build linux

package e2e_test

import (
	"context"
	"fmt"
	"os"
	"path/filepath"
	"strings"
	"testing"
	"time"

	"github.com/redis/go-redis/v9"
)

// startSentinel starts a Redis Sentinel on a free loopback port that
// monitors master under the name "mymaster".
func startSentinel(tb testing.TB, master *redisServer) *redisServer {
	tb.Helper()
	s := &redisServer{tb: tb, bin: master.bin, port: freePort(tb), dir: tb.TempDir()}
	conf := filepath.Join(s.dir, "sentinel.conf")
	body := fmt.Sprintf("port %d\nbind 127.0.0.1\nprotected-mode no\ndir %s\nsentinel monitor mymaster 127.0.0.1 %d 1\n", s.port, s.dir, master.port)
	if err := os.WriteFile(conf, []byte(body), 0o600); err != nil {
		tb.Fatal(err)
	}
	s.args = []string{conf, "--sentinel"}
	s.start()
	tb.Cleanup(func() { s.kill() })
	return s
}

// REDIS_URL naming a Sentinel deployment: the store finds the master through
// the Sentinel and serves from it.
func TestStoreThroughSentinel(t *testing.T) {
	master := startRedis(t, redisConfig{})
	sentinel := startSentinel(t, master)
	url := fmt.Sprintf("redis://127.0.0.1:%d/0?master_name=mymaster", sentinel.port)
	db := openStore(t, url, newPrefix())
	if !strings.Contains(db.Where(), "via Sentinel") {
		t.Errorf("Where() = %q", db.Where())
	}
	svc := newService(db)
	b := seedArticle(t, svc, "1100000000000000002", "putin-kim", "")
	ctx, cancel := context.WithTimeout(context.Background(), 10*time.Second)
	defer cancel()
	got, err := svc.Brief(ctx, "1100000000000000002", "putin-kim")
	if err != nil || got.Brief == nil || got.Brief.Title != b.Title {
		t.Fatalf("brief through Sentinel: %+v, %v", got, err)
	}
	// The data is on the master the Sentinel named.
	direct := openStore(t, master.URL(), db.Prefix())
	if _, err := direct.ArticleBySlug(ctx, "1100000000000000002", "putin-kim"); err != nil {
		t.Fatalf("article not on the master: %v", err)
	}
}

// REDIS_URL naming a Cluster: a one-node cluster owning every slot runs the
// same store code through the cluster client (a guild's keys share a slot).
func TestStoreOnCluster(t *testing.T) {
	node := startRedis(t, redisConfig{})
	node.kill()
	node.args = append(node.args, "--cluster-enabled", "yes", "--cluster-config-file", filepath.Join(node.dir, "nodes.conf"))
	node.start()
	admin := redis.NewClient(&redis.Options{Addr: fmt.Sprintf("127.0.0.1:%d", node.port)})
	defer admin.Close()
	ctx, cancel := context.WithTimeout(context.Background(), 15*time.Second)
	defer cancel()
	if err := admin.Do(ctx, "CLUSTER", "ADDSLOTSRANGE", 0, 16383).Err(); err != nil {
		t.Skipf("this redis-server cannot assign cluster slots: %v", err)
	}
	// An external process: polling its state with a deadline is the only signal.
	for {
		info, err := admin.ClusterInfo(ctx).Result()
		if err == nil && strings.Contains(info, "cluster_state:ok") {
			break
		}
		select {
		case <-ctx.Done():
			t.Fatalf("cluster never became ok: %v %q", err, info)
		case <-time.After(50 * time.Millisecond):
		}
	}
	addr := fmt.Sprintf("127.0.0.1:%d", node.port)
	db := openStore(t, "redis://"+addr+"?addr="+addr, newPrefix())
	if !strings.Contains(db.Where(), "Cluster") {
		t.Errorf("Where() = %q", db.Where())
	}
	svc := newService(db)
	b := seedArticle(t, svc, "1100000000000000002", "putin-kim", "")
	got, err := svc.Brief(ctx, "1100000000000000002", "putin kim")
	if err != nil || got.Brief == nil || got.Brief.Title != b.Title {
		t.Fatalf("brief on the cluster: %+v, %v", got, err)
	}
	if ls, err := svc.Suggest(ctx, "1100000000000000002", "put"); err != nil || len(ls) != 1 {
		t.Fatalf("suggest on the cluster: %v, %v", ls, err)
	}
	if _, err := svc.Remove(ctx, "1100000000000000002", "putin-kim"); err != nil {
		t.Fatalf("remove on the cluster: %v", err)
	}
}
