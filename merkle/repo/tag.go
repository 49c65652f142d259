package repo

import (
	"context"
	"errors"
	"fmt"
	"time"

	"github.com/dsqldb/dsql/merkle/hash"
	"github.com/dsqldb/dsql/merkle/ref"
	"github.com/dsqldb/dsql/storage"
)

// Tag is a named commit: refs/tags/<name>. A lightweight tag's ref points at the commit
// itself; an annotated tag's ref points at a tag chunk recording the commit, the name,
// who tagged it and when, and a message (as git's tag objects do).
//
// A Tag is a value, safe to share.
type Tag struct {
	Name    string    // the tag name, without refs/tags/
	Commit  hash.Hash // the tagged commit (annotated tags are peeled)
	Tagger  Signature // annotated tags only: who made the tag and when
	Message string    // annotated tags only
	object  hash.Hash // the tag chunk of an annotated tag; zero for a lightweight tag
}

// Annotated reports whether t is an annotated tag (with Tagger and Message) rather than
// a lightweight one.
func (t Tag) Annotated() bool { return !t.object.IsEmpty() }

// Tag chunk (kind 0xC6), an annotated tag:
//
//	+------+-------------+------+--------+---------+
//	| 0xC6 | commit 20 B | name | tagger | message |
//	|      |             | str  | sig    | str     |
//	+------+-------------+------+--------+---------+
//
//	sig: as in a commit: name str | email str | unix microseconds varint |
//	     UTC offset in seconds varint
//
// name is a valid tag name (ref.ValidateTagName). Child hashes: the commit.

type tagData struct {
	commit  hash.Hash
	name    string
	tagger  Signature
	message string
}

func encodeTagData(td tagData) []byte {
	e := newEncoder(KindTag)
	e.hash(td.commit)
	e.str(td.name)
	e.sig(td.tagger)
	e.str(td.message)
	return e.b
}

func decodeTagData(chunk []byte) (tagData, error) {
	d := newDecoder(chunk, KindTag)
	td := tagData{commit: d.hash(), name: d.str(), tagger: d.sig(), message: d.str()}
	if d.err == nil {
		if err := ref.ValidateTagName(td.name); err != nil {
			d.fail("%v", err)
		}
	}
	return td, d.finish(func() []byte { return encodeTagData(td) })
}

// sig writes a Signature as commits store it.
func (e *encoder) sig(s Signature) {
	e.str(s.Name)
	e.str(s.Email)
	e.varint(s.Time.UnixMicro())
	_, off := s.Time.Zone()
	e.varint(int64(off))
}

// sig reads a Signature written by encoder.sig.
func (d *decoder) sig() Signature {
	s := Signature{Name: d.str(), Email: d.str()}
	us := d.varint()
	off := d.varint()
	if off < -24*3600 || off > 24*3600 {
		d.fail("UTC offset %d out of range", off)
		off = 0
	}
	s.Time = time.UnixMicro(us).In(time.FixedZone("", int(off)))
	return s
}

// CreateTag creates tag name at commit at, in one storage.Commit (which also carries at's
// chunk). With tagger nil the tag is lightweight (the ref points at the commit); with a
// tagger it is annotated: a tag chunk holding at's hash, name, *tagger (a zero Time means
// now) and message, which the ref points at. If the tag exists the error wraps
// ErrTagExists; tags are never moved, only deleted and created again.
func (r *Repo) CreateTag(ctx context.Context, name string, at Commit, tagger *Signature, message string) error {
	tr, err := ref.NewTag(name)
	if err != nil {
		return err
	}
	if at.Hash().IsEmpty() {
		return fmt.Errorf("%w: tag %q of a zero Commit", ErrInvalid, name)
	}
	chunks := []storage.Chunk{at.Chunk()}
	target := at.Hash()
	if tagger != nil {
		s := *tagger
		if s.Time.IsZero() {
			s.Time = time.Now()
		}
		c := storage.NewChunk(encodeTagData(tagData{commit: at.Hash(), name: name, tagger: s.canonical(), message: message}))
		chunks = append(chunks, c)
		target = c.Hash
	}
	err = r.store.Commit(ctx, chunks, []storage.RefUpdate{{Name: tr.String(), New: target}})
	if errors.Is(err, storage.ErrRefConflict) {
		return fmt.Errorf("%w: tag %q already exists; delete it first with `dsql tag -d %s`", ErrTagExists, name, name)
	}
	if err != nil {
		return fmt.Errorf("repo: creating tag %q: %w", name, err)
	}
	return nil
}

// Tag returns the named tag; ErrTagNotFound if it does not exist.
func (r *Repo) Tag(ctx context.Context, name string) (Tag, error) {
	tr, err := ref.NewTag(name)
	if err != nil {
		return Tag{}, err
	}
	h, ok, err := r.store.Ref(ctx, tr.String())
	if err != nil {
		return Tag{}, fmt.Errorf("repo: reading tag %q: %w", name, err)
	}
	if !ok {
		return Tag{}, fmt.Errorf("%w: %q; see `dsql tag` for the tags that exist", ErrTagNotFound, name)
	}
	return r.loadTag(ctx, name, h)
}

// loadTag reads the target h of tag name: a commit (lightweight) or a tag chunk.
func (r *Repo) loadTag(ctx context.Context, name string, h hash.Hash) (Tag, error) {
	data, err := r.store.Get(ctx, h)
	if err != nil {
		return Tag{}, fmt.Errorf("repo: reading tag %q: %w", name, err)
	}
	switch k, _ := ChunkKind(data); k {
	case KindCommit:
		return Tag{Name: name, Commit: h}, nil
	case KindTag:
		td, err := decodeTagData(data)
		if err != nil {
			return Tag{}, fmt.Errorf("repo: reading tag %q: %w", name, err)
		}
		return Tag{Name: name, Commit: td.commit, Tagger: td.tagger, Message: td.message, object: h}, nil
	default:
		return Tag{}, fmt.Errorf("repo: reading tag %q: %w: it points at a %v chunk, not a commit or tag", name, storage.ErrCorrupt, k)
	}
}

// Tags returns every tag, sorted by name. It reads one chunk per tag.
func (r *Repo) Tags(ctx context.Context) ([]Tag, error) {
	refs, err := r.store.Refs(ctx, ref.TagsPrefix)
	if err != nil {
		return nil, fmt.Errorf("repo: listing tags: %w", err)
	}
	tags := make([]Tag, 0, len(refs))
	for _, rf := range refs {
		t, err := r.loadTag(ctx, ref.Name(rf.Name).Short(), rf.Hash)
		if err != nil {
			return nil, err
		}
		tags = append(tags, t)
	}
	return tags, nil
}

// DeleteTag removes tag name (one storage.Commit); ErrTagNotFound if it does not exist.
// The tagged commit stays reachable if anything else reaches it.
func (r *Repo) DeleteTag(ctx context.Context, name string) error {
	tr, err := ref.NewTag(name)
	if err != nil {
		return err
	}
	h, ok, err := r.store.Ref(ctx, tr.String())
	if err != nil {
		return fmt.Errorf("repo: reading tag %q: %w", name, err)
	}
	if !ok {
		return fmt.Errorf("%w: %q; see `dsql tag` for the tags that exist", ErrTagNotFound, name)
	}
	err = r.store.Commit(ctx, nil, []storage.RefUpdate{{Name: tr.String(), Old: h}})
	if errors.Is(err, storage.ErrRefConflict) {
		return fmt.Errorf("%w: tag %q changed while it was being deleted; check it and retry", ErrConflict, name)
	}
	if err != nil {
		return fmt.Errorf("repo: deleting tag %q: %w", name, err)
	}
	return nil
}
