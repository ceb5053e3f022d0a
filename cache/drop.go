package cache

import (
	"context"
	"errors"
)

// Drop removes the session stored under key if it is still the one with
// access key id accessKeyID: a caller that found the session useless (STS
// turned it away) forgets it without removing one another process has put
// in its place meanwhile. It holds the key's lock, as Fetch does. A key
// with no session, or with another one, is not an error.
func (s *Store) Drop(ctx context.Context, key, accessKeyID string) error {
	if err := checkKey(key); err != nil {
		return err
	}
	_, unlock, err := s.lock(ctx, key)
	if err != nil {
		return err
	}
	defer unlock()
	sess, err := s.Load(key)
	if errors.Is(err, ErrNotFound) {
		return nil
	}
	if err != nil {
		return err
	}
	if sess.Credentials.AccessKeyID != accessKeyID {
		return nil
	}
	return s.Delete(key)
}
