package main

import (
	"github.com/awsmfa/awsmfa/exporter"
	"github.com/awsmfa/awsmfa/session"
	"github.com/awsmfa/awsmfa/shellinit"
)

// sessionInfo is what env exports, and exec gives its child, beside the
// credentials: the profile, its region (or, with none, the unsetting of a
// region awsmfa exported earlier), the refresh point (expiry minus the
// margin) and the prompt hook's marker file. The child of exec gets the
// same contract as a shell after env, so a prompt hook in it refreshes
// at the same point.
func (a *app) sessionInfo(req *request, res session.Result) exporter.SessionInfo {
	refreshAt := res.RefreshAt(req.minTTL)
	info := exporter.SessionInfo{
		Profile:   req.plan.Name,
		Region:    req.plan.Region,
		RefreshAt: refreshAt,
	}
	if info.Region == "" {
		info.StaleRegion = exporter.StaleRegion(a.getenv)
	}
	var err error
	if info.Marker, err = shellinit.Marker(markerDir(req.getter.Store.Dir()), res.Credentials.AccessKeyID, refreshAt); err != nil && res.NotCached == nil {
		// (When the session could not be cached, the marker beside it
		// cannot be written either, and the user has been told once.)
		req.log.Warn("cannot write the prompt hook's marker file", "error", err)
	}
	return info
}

// childRemoves is what exec removes from its child's environment beyond
// staleVars: the record of the region awsmfa exported (set again when the
// profile has a region) and, for a profile with no region, the region
// variables still holding it.
func childRemoves(info exporter.SessionInfo) []string {
	return append([]string{exporter.EnvRegion}, info.StaleRegion...)
}
