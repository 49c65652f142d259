// Package ref names dsql's refs as typed values: the named pointers a storage.RefStore
// holds (branches, tags, the working set of each branch, internal refs).
//
// # Namespaces
//
//	refs/heads/<branch>                a branch: points to its head commit
//	refs/tags/<tag>                    a tag: points to a commit, or to an annotated tag object
//	refs/workingsets/heads/<branch>    the working set of a branch (working and staged roots)
//	refs/remotes/<remote>/<branch>     a remote-tracking branch (reserved for remotes)
//	refs/internal/<name>               dsql's own bookkeeping, never shown to users
//	                                   (refs/internal/HEAD: the checked-out branch;
//	                                   refs/internal/config: repository-local config)
//
// # Invariants
//
//   - Validity: every Name built by this package (constructors and Parse) satisfies git's
//     check-ref-format rules for its short name (see ValidateBranchName), so a name that
//     works in git works in dsql and vice versa, and names never need quoting in CLI output.
//   - Classification: Parse(n.String()) returns n and its Kind for every valid Name; a
//     string outside the namespaces above is refused rather than guessed.
//
// Name is a string value: compare with ==, safe to share between goroutines.
package ref

import (
	"errors"
	"fmt"
	"strings"
	"unicode/utf8"
)

// ErrInvalidName marks a branch, tag or ref name that breaks the naming rules. The error
// message says which rule and how to fix the name.
var ErrInvalidName = errors.New("ref: invalid name")

// Prefixes of the ref namespaces.
const (
	HeadsPrefix       = "refs/heads/"
	TagsPrefix        = "refs/tags/"
	WorkingSetsPrefix = "refs/workingsets/heads/"
	RemotesPrefix     = "refs/remotes/"
	InternalPrefix    = "refs/internal/"
)

// Kind classifies a Name.
type Kind uint8

// The kinds of refs.
const (
	InvalidKind Kind = iota
	BranchKind
	TagKind
	WorkingSetKind
	RemoteKind
	InternalKind
)

func (k Kind) String() string {
	switch k {
	case BranchKind:
		return "branch"
	case TagKind:
		return "tag"
	case WorkingSetKind:
		return "working set"
	case RemoteKind:
		return "remote branch"
	case InternalKind:
		return "internal"
	}
	return "invalid"
}

// Name is a full ref name such as "refs/heads/main". The zero Name is invalid.
type Name string

func (n Name) String() string { return string(n) }

// Kind returns the namespace of n, or InvalidKind if n is not a valid ref name.
func (n Name) Kind() Kind {
	k, _, err := classify(string(n))
	if err != nil {
		return InvalidKind
	}
	return k
}

// Short returns the name within its namespace: "main" for refs/heads/main and for
// refs/workingsets/heads/main, "v1" for refs/tags/v1, "origin/main" for a remote branch.
func (n Name) Short() string {
	for _, p := range []string{WorkingSetsPrefix, HeadsPrefix, TagsPrefix, RemotesPrefix, InternalPrefix} {
		if s, ok := strings.CutPrefix(string(n), p); ok {
			return s
		}
	}
	return string(n)
}

// WorkingSet returns the working-set ref of branch ref n (refs/heads/x ->
// refs/workingsets/heads/x); an error if n is not a branch.
func (n Name) WorkingSet() (Name, error) {
	if n.Kind() != BranchKind {
		return "", fmt.Errorf("%w: %q is not a branch ref, only branches have working sets", ErrInvalidName, string(n))
	}
	return Name(WorkingSetsPrefix + n.Short()), nil
}

// Branch returns the branch ref of working-set ref n (refs/workingsets/heads/x ->
// refs/heads/x); an error if n is not a working-set ref.
func (n Name) Branch() (Name, error) {
	if n.Kind() != WorkingSetKind {
		return "", fmt.Errorf("%w: %q is not a working-set ref", ErrInvalidName, string(n))
	}
	return Name(HeadsPrefix + n.Short()), nil
}

// NewBranch returns refs/heads/<name> after checking name with ValidateBranchName.
func NewBranch(name string) (Name, error) {
	if err := ValidateBranchName(name); err != nil {
		return "", err
	}
	return Name(HeadsPrefix + name), nil
}

// NewTag returns refs/tags/<name> after checking name with ValidateTagName.
func NewTag(name string) (Name, error) {
	if err := ValidateTagName(name); err != nil {
		return "", err
	}
	return Name(TagsPrefix + name), nil
}

// NewWorkingSet returns refs/workingsets/heads/<branch>, the working set of a branch.
func NewWorkingSet(branch string) (Name, error) {
	if err := ValidateBranchName(branch); err != nil {
		return "", err
	}
	return Name(WorkingSetsPrefix + branch), nil
}

// NewRemote returns refs/remotes/<remote>/<branch>.
func NewRemote(remote, branch string) (Name, error) {
	if err := checkName("remote", remote); err != nil {
		return "", err
	}
	if strings.Contains(remote, "/") {
		return "", fmt.Errorf("%w: remote name %q contains '/'; use a single path component such as \"origin\"", ErrInvalidName, remote)
	}
	if err := ValidateBranchName(branch); err != nil {
		return "", err
	}
	return Name(RemotesPrefix + remote + "/" + branch), nil
}

// NewInternal returns refs/internal/<name>, for dsql's bookkeeping. Internal names follow
// the branch rules except that "HEAD" is allowed (refs/internal/HEAD records the checked-out
// branch; the reservation of "HEAD" only keeps branch and tag names from shadowing the
// revision HEAD).
func NewInternal(name string) (Name, error) {
	if err := checkInternalName(name); err != nil {
		return "", err
	}
	return Name(InternalPrefix + name), nil
}

func checkInternalName(name string) error {
	if name == "HEAD" {
		return nil
	}
	return checkName("internal ref", name)
}

// Parse checks a full ref name and returns it with its kind.
func Parse(s string) (Name, Kind, error) {
	k, _, err := classify(s)
	if err != nil {
		return "", InvalidKind, err
	}
	return Name(s), k, nil
}

func classify(s string) (Kind, string, error) {
	switch {
	case strings.HasPrefix(s, WorkingSetsPrefix):
		short := s[len(WorkingSetsPrefix):]
		return WorkingSetKind, short, ValidateBranchName(short)
	case strings.HasPrefix(s, HeadsPrefix):
		short := s[len(HeadsPrefix):]
		return BranchKind, short, ValidateBranchName(short)
	case strings.HasPrefix(s, TagsPrefix):
		short := s[len(TagsPrefix):]
		return TagKind, short, ValidateTagName(short)
	case strings.HasPrefix(s, RemotesPrefix):
		short := s[len(RemotesPrefix):]
		remote, branch, ok := strings.Cut(short, "/")
		if !ok {
			return InvalidKind, "", fmt.Errorf("%w: remote ref %q has no branch; the form is refs/remotes/<remote>/<branch>", ErrInvalidName, s)
		}
		_, err := NewRemote(remote, branch)
		return RemoteKind, short, err
	case strings.HasPrefix(s, InternalPrefix):
		short := s[len(InternalPrefix):]
		return InternalKind, short, checkInternalName(short)
	}
	return InvalidKind, "", fmt.Errorf("%w: %q is not in a known namespace (refs/heads/, refs/tags/, refs/workingsets/heads/, refs/remotes/, refs/internal/)", ErrInvalidName, s)
}

// ValidateBranchName checks a branch name against git's rules (git check-ref-format
// --branch): it is non-empty valid UTF-8; no '/'-separated component is empty, starts
// with '.' or ends with ".lock"; it does not start with '-' or '/', nor end with '/' or
// '.'; it contains no "..", no "@{", no space, no ASCII control character and none of
// ~ ^ : ? * [ \; and it is neither "@" nor "HEAD". The error names the rule broken.
func ValidateBranchName(name string) error { return checkName("branch", name) }

// ValidateTagName checks a tag name with the same rules as ValidateBranchName.
func ValidateTagName(name string) error { return checkName("tag", name) }

func checkName(what, name string) error {
	bad := func(format string, args ...any) error {
		return fmt.Errorf("%w: %s name %q %s", ErrInvalidName, what, name, fmt.Sprintf(format, args...))
	}
	switch {
	case name == "":
		return fmt.Errorf("%w: %s name is empty; give a name such as \"feature-x\"", ErrInvalidName, what)
	case !utf8.ValidString(name):
		return bad("is not valid UTF-8; use UTF-8 text")
	case name == "@":
		return bad("is reserved (\"@\" means HEAD); choose another name")
	case name == "HEAD":
		return bad("is reserved; choose another name")
	case strings.HasPrefix(name, "-"):
		return bad("starts with '-', which would read as a command-line option; remove the leading '-'")
	case strings.HasPrefix(name, "/"):
		return bad("starts with '/'; remove the leading '/'")
	case strings.HasSuffix(name, "/"):
		return bad("ends with '/'; remove the trailing '/'")
	case strings.HasSuffix(name, "."):
		return bad("ends with '.'; remove the trailing '.'")
	case strings.Contains(name, ".."):
		return bad("contains \"..\", which means a range of commits; use a single '.'")
	case strings.Contains(name, "@{"):
		return bad("contains \"@{\", which is revision syntax; remove it")
	case strings.Contains(name, "//"):
		return bad("contains \"//\" (an empty path component); use a single '/'")
	}
	for _, r := range name {
		switch {
		case r < 0x20 || r == 0x7f:
			return bad("contains the control character %U; use printable characters", r)
		case r == ' ':
			return bad("contains a space; use '-' or '_' instead")
		case strings.ContainsRune(`~^:?*[\`, r):
			return bad("contains %q, which has a meaning in revision syntax; the characters ~ ^ : ? * [ \\ are not allowed", r)
		}
	}
	for _, c := range strings.Split(name, "/") {
		if strings.HasPrefix(c, ".") {
			return bad("has a path component %q starting with '.'; remove the leading '.'", c)
		}
		if strings.HasSuffix(c, ".lock") {
			return bad("has a path component %q ending in \".lock\"; choose another name", c)
		}
	}
	return nil
}
