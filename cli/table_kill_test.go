package cli

import (
	"bufio"
	"fmt"
	"os"
	"os/exec"
	"path/filepath"
	"strings"
	"testing"
	"time"

	"github.com/stretchr/testify/require"
)

// TestImportKilled: kill -9 of the built binary in the middle of an import leaves the
// table exactly as it was (the import reaches the branch's working set only with its one
// final durable commit), and the repository opens and imports again afterwards.
func TestImportKilled(t *testing.T) {
	if testing.Short() {
		t.Skip("builds dsql and imports 2M rows")
	}
	tmp := t.TempDir()
	bin := filepath.Join(tmp, "dsql")
	build := exec.Command("go", "build", "-o", bin, "../cmd/dsql")
	out, err := build.CombinedOutput()
	require.NoError(t, err, string(out))

	repoDir := filepath.Join(tmp, "shop")
	require.NoError(t, os.Mkdir(repoDir, 0o755))
	run := func(args ...string) string {
		t.Helper()
		cmd := exec.Command(bin, args...)
		cmd.Dir = repoDir
		cmd.Env = append(os.Environ(), "HOME="+tmp, envConfigHome+"="+tmp)
		out, err := cmd.CombinedOutput()
		require.NoError(t, err, "dsql %s: %s", strings.Join(args, " "), out)
		return string(out)
	}
	run("init", "--name", "A", "--email", "a@example.com")
	small := filepath.Join(tmp, "small.csv")
	require.NoError(t, os.WriteFile(small, []byte("id,v\n1,a\n2,b\n3,c\n"), 0o644))
	run("table", "import", "-c", "t", small)

	big := filepath.Join(tmp, "big.csv")
	f, err := os.Create(big)
	require.NoError(t, err)
	w := bufio.NewWriter(f)
	fmt.Fprintln(w, "id,v")
	for i := 2_000_000; i > 0; i-- { // descending: the slow (sorting) path
		fmt.Fprintf(w, "%d,value %d\n", i, i)
	}
	require.NoError(t, w.Flush())
	require.NoError(t, f.Close())

	for _, args := range [][]string{{"-r", "t"}, {"-c", "fresh"}} {
		cmd := exec.Command(bin, append(append([]string{"table", "import"}, args...), big)...)
		cmd.Dir = repoDir
		cmd.Env = append(os.Environ(), "HOME="+tmp, envConfigHome+"="+tmp)
		require.NoError(t, cmd.Start())
		time.Sleep(1500 * time.Millisecond)
		require.NoError(t, cmd.Process.Kill()) // SIGKILL
		_ = cmd.Wait()
		require.False(t, cmd.ProcessState.Success(), "the import finished before the kill: make the file bigger")
		require.Equal(t, "count(*),group_concat(v)\n3,\"a,b,c\"\n", run("sql", "-r", "csv", "-q", "SELECT count(*), group_concat(v) FROM t"))
		require.Contains(t, run("sql", "-r", "csv", "-q", "SHOW TABLES"), "t\n")
		require.NotContains(t, run("sql", "-r", "csv", "-q", "SHOW TABLES"), "fresh")
	}
	// The repository is fine: the same import runs to the end.
	require.Contains(t, run("table", "import", "-r", "t", small), "3 rows imported")
}
