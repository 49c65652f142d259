package repo

import (
	"context"
	"fmt"
	"maps"
	"slices"

	"github.com/dsqldb/dsql/merkle/hash"
	"github.com/dsqldb/dsql/merkle/ref"
	"github.com/dsqldb/dsql/storage"
)

// configRef holds the repository-local config (`dsql config --local`). It points to a
// config chunk; an empty config is no ref at all.
const configRef = ref.Name(ref.InternalPrefix + "config")

// Config chunk (kind 0xC8):
//
//	+------+-----------+------------------------------+
//	| 0xC8 | n uvarint | n x (key str, value str)     |
//	+------+-----------+------------------------------+
//
// Keys are non-empty and strictly ascending by bytes (so each key appears once and every
// config has one encoding); n > 0 (an empty config is stored as no ref). No child hashes.

type configEntry struct{ key, value string }

func encodeConfig(entries []configEntry) []byte {
	e := newEncoder(KindConfig)
	e.uvarint(uint64(len(entries)))
	for _, kv := range entries {
		e.str(kv.key)
		e.str(kv.value)
	}
	return e.b
}

func decodeConfig(chunk []byte) ([]configEntry, error) {
	d := newDecoder(chunk, KindConfig)
	n := d.count(2)
	if d.err == nil && n == 0 {
		d.fail("no entries")
	}
	entries := make([]configEntry, n)
	for i := range entries {
		entries[i] = configEntry{key: d.str(), value: d.str()}
		if d.err != nil {
			break
		}
		if entries[i].key == "" {
			d.fail("empty key")
		} else if i > 0 && entries[i-1].key >= entries[i].key {
			d.fail("key %q after %q: keys must be strictly ascending", entries[i].key, entries[i-1].key)
		}
	}
	return entries, d.finish(func() []byte { return encodeConfig(entries) })
}

// Config returns the repository-local config (`dsql config --local`): a fresh map the
// caller owns, empty if nothing is set.
func (r *Repo) Config(ctx context.Context) (map[string]string, error) {
	cfg, _, err := r.config(ctx)
	return cfg, err
}

func (r *Repo) config(ctx context.Context) (map[string]string, hash.Hash, error) {
	h, ok, err := r.store.Ref(ctx, configRef.String())
	if err != nil {
		return nil, hash.Hash{}, fmt.Errorf("repo: reading config: %w", err)
	}
	cfg := map[string]string{}
	if !ok {
		return cfg, hash.Hash{}, nil
	}
	data, err := r.store.Get(ctx, h)
	if err != nil {
		return nil, hash.Hash{}, fmt.Errorf("repo: reading config: %w", err)
	}
	entries, err := decodeConfig(data)
	if err != nil {
		return nil, hash.Hash{}, fmt.Errorf("repo: reading config: %w", err)
	}
	for _, kv := range entries {
		cfg[kv.key] = kv.value
	}
	return cfg, h, nil
}

// UpdateConfig changes the repository-local config durably: it reads the config, calls
// update with a copy it may modify (set, change or delete keys), and stores the result
// with a compare-and-swap, redoing all of it from a fresh read if another writer changed
// the config meanwhile; so update may run more than once and must not have other side
// effects. If update returns an error nothing is stored and that error is returned. Empty
// keys are refused (ErrInvalid).
func (r *Repo) UpdateConfig(ctx context.Context, update func(map[string]string) error) error {
	return retryCAS(ctx, "updating config", func() error {
		cfg, old, err := r.config(ctx)
		if err != nil {
			return err
		}
		if err := update(cfg); err != nil {
			return err
		}
		keys := slices.Sorted(maps.Keys(cfg))
		var chunks []storage.Chunk
		var next hash.Hash
		if len(keys) > 0 {
			if keys[0] == "" {
				return fmt.Errorf("%w: config key is empty", ErrInvalid)
			}
			entries := make([]configEntry, len(keys))
			for i, k := range keys {
				entries[i] = configEntry{k, cfg[k]}
			}
			c := storage.NewChunk(encodeConfig(entries))
			chunks, next = []storage.Chunk{c}, c.Hash
		}
		if next == old {
			return nil
		}
		return commitErr("updating config", r.store.Commit(ctx, chunks, []storage.RefUpdate{{Name: configRef.String(), Old: old, New: next}}))
	})
}
