package wechat

import (
	"context"
	"encoding/json"
	"errors"
	"fmt"
	"time"

	"github.com/redis/go-redis/v9"
	"github.com/silenceper/wechat/v2/cache"
)

// redisOpTimeout bounds the SDK-style cache calls, which take no context.
const redisOpTimeout = 3 * time.Second

// RedisTokenCache shares the access token between kefu processes. It
// implements the SDK's cache.ContextCache over go-redis/v9; values are
// strings (the SDK's token code asserts Get's result to string, so Get
// returns a string, never []byte).
type RedisTokenCache struct {
	rdb    redis.UniversalClient
	prefix string
}

var _ cache.ContextCache = (*RedisTokenCache)(nil)

// NewRedisTokenCache returns the cache; prefix defaults to "kefu:wechat:".
func NewRedisTokenCache(rdb redis.UniversalClient, prefix string) *RedisTokenCache {
	if prefix == "" {
		prefix = "kefu:wechat:"
	}
	return &RedisTokenCache{rdb: rdb, prefix: prefix}
}

func opContext() (context.Context, context.CancelFunc) {
	return context.WithTimeout(context.Background(), redisOpTimeout)
}

// Get implements cache.Cache: a string, or nil when missing or on error.
func (c *RedisTokenCache) Get(key string) interface{} {
	ctx, cancel := opContext()
	defer cancel()
	return c.GetContext(ctx, key)
}

// GetContext implements cache.ContextCache.
func (c *RedisTokenCache) GetContext(ctx context.Context, key string) interface{} {
	v, err := c.rdb.Get(ctx, c.prefix+key).Result()
	if err != nil {
		return nil
	}
	return v
}

// Set implements cache.Cache.
func (c *RedisTokenCache) Set(key string, val interface{}, timeout time.Duration) error {
	ctx, cancel := opContext()
	defer cancel()
	return c.SetContext(ctx, key, val, timeout)
}

// SetContext implements cache.ContextCache; val must be a string.
func (c *RedisTokenCache) SetContext(ctx context.Context, key string, val interface{}, timeout time.Duration) error {
	s, ok := val.(string)
	if !ok {
		return fmt.Errorf("wechat: token cache stores strings, got %T", val)
	}
	return c.rdb.Set(ctx, c.prefix+key, s, timeout).Err()
}

// IsExist implements cache.Cache.
func (c *RedisTokenCache) IsExist(key string) bool {
	ctx, cancel := opContext()
	defer cancel()
	return c.IsExistContext(ctx, key)
}

// IsExistContext implements cache.ContextCache.
func (c *RedisTokenCache) IsExistContext(ctx context.Context, key string) bool {
	n, err := c.rdb.Exists(ctx, c.prefix+key).Result()
	return err == nil && n > 0
}

// Delete implements cache.Cache.
func (c *RedisTokenCache) Delete(key string) error {
	ctx, cancel := opContext()
	defer cancel()
	return c.DeleteContext(ctx, key)
}

// DeleteContext implements cache.ContextCache.
func (c *RedisTokenCache) DeleteContext(ctx context.Context, key string) error {
	return c.rdb.Del(ctx, c.prefix+key).Err()
}

// RedisWindowStore is the WindowStore shared between processes: one JSON
// value per OpenID, updated optimistically (WATCH/MULTI).
type RedisWindowStore struct {
	rdb    redis.UniversalClient
	prefix string
	ttl    time.Duration
}

// NewRedisWindowStore returns the store; prefix defaults to
// "kefu:wechat:window:", ttl (how long an untouched window is kept) to
// 72h.
func NewRedisWindowStore(rdb redis.UniversalClient, prefix string, ttl time.Duration) *RedisWindowStore {
	if prefix == "" {
		prefix = "kefu:wechat:window:"
	}
	if ttl <= 0 {
		ttl = 72 * time.Hour
	}
	return &RedisWindowStore{rdb: rdb, prefix: prefix, ttl: ttl}
}

// maxWatchRetries bounds the optimistic loop; contention is per customer
// and short, so a handful always suffices in practice.
const maxWatchRetries = 16

// UpdateWindow implements WindowStore.
func (s *RedisWindowStore) UpdateWindow(ctx context.Context, openID string, fn func(*Window) error) error {
	key := s.prefix + openID
	for range maxWatchRetries {
		err := s.rdb.Watch(ctx, func(tx *redis.Tx) error {
			var w Window
			b, err := tx.Get(ctx, key).Bytes()
			switch {
			case errors.Is(err, redis.Nil):
			case err != nil:
				return err
			default:
				if err := json.Unmarshal(b, &w); err != nil {
					return fmt.Errorf("wechat: window of %s: %w", openID, err)
				}
			}
			if err := fn(&w); err != nil {
				return err
			}
			nb, err := json.Marshal(w)
			if err != nil {
				return err
			}
			_, err = tx.TxPipelined(ctx, func(p redis.Pipeliner) error {
				p.Set(ctx, key, nb, s.ttl)
				return nil
			})
			return err
		}, key)
		if errors.Is(err, redis.TxFailedErr) {
			continue
		}
		if _, ok := err.(noChange); ok {
			return nil
		}
		return err
	}
	return fmt.Errorf("wechat: window of %s: too much contention", openID)
}
