package main

import "os/exec"

func lookPath(p string) (string, error) { return exec.LookPath(p) }
