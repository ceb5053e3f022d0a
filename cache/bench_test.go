package cache

import (
	"testing"
	"time"
)

// BenchmarkLoad is the cache-hit path of every `awsmfa env`: one open, one
// fstat, one read, one decode.
func BenchmarkLoad(b *testing.B) {
	s := newStore(b)
	key := Key("AKIAEXAMPLE", "arn:aws:iam::123456789012:mfa/me", "arn:aws:iam::123456789012:role/dev", "", "", "3600")
	if err := s.Save(key, sample("bench", time.Now(), time.Hour)); err != nil {
		b.Fatal(err)
	}
	b.ReportAllocs()
	for b.Loop() {
		if _, err := s.Load(key); err != nil {
			b.Fatal(err)
		}
	}
}

// BenchmarkFetchHit is Fetch served from the cache: Load plus Usable.
func BenchmarkFetchHit(b *testing.B) {
	s := newStore(b)
	key := Key("hit")
	if err := s.Save(key, sample("bench", time.Now(), time.Hour)); err != nil {
		b.Fatal(err)
	}
	ctx := b.Context()
	b.ReportAllocs()
	for b.Loop() {
		if _, cached, err := s.Fetch(ctx, key, 10*time.Minute, false, nil); err != nil || !cached {
			b.Fatal(cached, err)
		}
	}
}

// BenchmarkOpen is the start-up cost of a Store over an existing directory.
func BenchmarkOpen(b *testing.B) {
	dir := newStore(b).Dir()
	b.ReportAllocs()
	for b.Loop() {
		if _, err := Open(dir); err != nil {
			b.Fatal(err)
		}
	}
}

// BenchmarkSave is a refresh's write: temp file, fsync, rename, dir fsync.
func BenchmarkSave(b *testing.B) {
	s := newStore(b)
	key := Key("save")
	sess := sample("bench", time.Now(), time.Hour)
	b.ReportAllocs()
	for b.Loop() {
		if err := s.Save(key, sess); err != nil {
			b.Fatal(err)
		}
	}
}

// BenchmarkKey hashes a typical set of key fields.
func BenchmarkKey(b *testing.B) {
	b.ReportAllocs()
	for b.Loop() {
		Key("AKIAEXAMPLE", "arn:aws:iam::123456789012:mfa/me", "arn:aws:iam::123456789012:role/dev", "", "", "3600")
	}
}
