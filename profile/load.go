package profile

import (
	"errors"
	"fmt"
	"io/fs"
	"os"

	"github.com/awsmfa/awsmfa/internal/awsini"
)

// loadFile reads and indexes path. A missing file is an empty file with
// exists false. config says whether this is the config file, whose sections
// are named "[profile NAME]". stream lets a file larger than chunk (0 means
// awsini.ChunkSize, less than 0 never) be streamed rather than read whole;
// the caller must then close it.
func loadFile(path, display string, config, stream bool, chunk int) (*file, error) {
	f := newFile(path, display, config)
	src, err := os.Open(path)
	if err != nil {
		if errors.Is(err, fs.ErrNotExist) {
			return f, nil
		}
		return nil, f.openError(err)
	}
	f.exists = true
	if chunk < 0 {
		stream = false
	} else if chunk == 0 {
		chunk = awsini.ChunkSize
	}
	chunk = max(chunk, 16)
	fi, err := src.Stat()
	if err == nil && !readable(fi) {
		src.Close()
		return nil, f.typeError(fi.Mode())
	}
	// Marks hold 32-bit offsets: a file of 4 GB is read whole (or not at all).
	if !stream || err != nil || !fi.Mode().IsRegular() || fi.Size() <= int64(chunk) || fi.Size() >= 1<<32-1 {
		defer src.Close()
		raw, err := awsini.ReadAll(src, fi)
		if lt := (*awsini.LineTooLongError)(nil); errors.As(err, &lt) {
			return nil, f.lineError(lt.Line)
		}
		if err != nil {
			return nil, f.openError(err)
		}
		return f, f.ix.Parse(raw)
	}
	if err := f.ix.Stream(src, chunk, fi.Size()); err != nil {
		f.close()
		return nil, f.indexError(err)
	}
	return f, nil
}

// env is the environment variable that points at another file of f's kind.
func (f *file) env() string {
	if f.isConfig {
		return EnvConfigFile
	}
	return EnvCredentialsFile
}

func (f *file) openError(err error) error {
	var pe *fs.PathError
	if errors.As(err, &pe) {
		err = pe.Err
	}
	return fmt.Errorf("cannot read %s: %v\ncheck the file's permissions, or point %s at another file", f.display, err, f.env())
}

// readable reports whether fi is a file awsmfa reads profiles from: a
// regular file, a named pipe (AWS_CONFIG_FILE=<(command)), or /dev/null.
// A device or a directory is a mistake, and /dev/zero or /dev/urandom
// would be read forever.
func readable(fi fs.FileInfo) bool {
	m := fi.Mode()
	if m.IsRegular() || m&fs.ModeNamedPipe != 0 {
		return true
	}
	null, err := os.Stat(os.DevNull)
	return err == nil && os.SameFile(fi, null)
}

// typeError refuses a file that is neither regular nor a pipe.
func (f *file) typeError(m fs.FileMode) error {
	what := "a special file"
	switch {
	case m.IsDir():
		what = "a directory"
	case m&fs.ModeCharDevice != 0:
		what = "a character device"
	case m&fs.ModeDevice != 0:
		what = "a block device"
	case m&fs.ModeSocket != 0:
		what = "a socket"
	}
	return fmt.Errorf("cannot read %s: is %s, not a regular file\npoint %s at your file", f.display, what, f.env())
}

// lineError refuses a file with a line longer than awsini.MaxLine.
func (f *file) lineError(line int) error {
	what := "credentials"
	if f.isConfig {
		what = "config"
	}
	return fmt.Errorf("%s:%d: line longer than %d bytes, so this is no AWS %s file\ncheck the file, or point %s at another one", f.display, line, awsini.MaxLine, what, f.env())
}

// readError is a streamed file failing after it was opened.
func (f *file) readError(err error) error {
	var pe *fs.PathError
	if errors.As(err, &pe) {
		err = pe.Err
	}
	return fmt.Errorf("cannot read %s: %v\ncheck the file and run the command again", f.display, err)
}

// readWhole turns a streamed file into a whole one, for the callers that
// read every section.
func (f *file) readWhole() error {
	if err := f.ix.ReadWhole(); err != nil {
		return f.indexError(err)
	}
	return nil
}

// close releases a streamed file's descriptor.
func (f *file) close() {
	if f != nil {
		f.ix.Close()
	}
}

// plainProfileName is configProfileName for the usual header, "profile
// NAME" with one space and no quotes, backslashes or blanks in NAME; for
// any other header it returns "".
func plainProfileName(header string) string {
	if len(header) <= len("profile ") || header[:len("profile ")] != "profile " {
		return ""
	}
	name := header[len("profile "):]
	for i := 0; i < len(name); i++ {
		if c := name[i]; c <= ' ' || c == '"' || c == '\'' || c == '\\' {
			return ""
		}
	}
	return name
}
