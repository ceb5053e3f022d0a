package stsemu

import (
	"encoding/xml"
	"fmt"
	"net/http"
	"net/url"
	"regexp"
	"strconv"
	"time"
)

var userNameRE = regexp.MustCompile(`^[\w+=,.@-]{1,128}$`)

type mfaDeviceXML struct {
	UserName     string
	SerialNumber string
	EnableDate   string
}

type listMFADevicesResponse struct {
	XMLName     xml.Name       `xml:"ListMFADevicesResponse"`
	Xmlns       string         `xml:"xmlns,attr"`
	MFADevices  []mfaDeviceXML `xml:"ListMFADevicesResult>MFADevices>member"`
	IsTruncated bool           `xml:"ListMFADevicesResult>IsTruncated"`
	Marker      string         `xml:"ListMFADevicesResult>Marker,omitempty"`
	responseMetadata
}

// listMFADevices is IAM ListMFADevices. Without UserName it lists the
// caller's own devices; role sessions must name a user. The emulator models
// no IAM policies: any principal of the account may list any user.
func (s *Server) listMFADevices(c *cred, p url.Values, _ *Request) (any, *apiError) {
	if c.temporary && c.role == "" && !c.mfa {
		// IAM refuses GetSessionToken credentials obtained without MFA.
		return nil, errInvalidToken()
	}
	name := c.user
	if p.Has("UserName") {
		name = p.Get("UserName")
		if !userNameRE.MatchString(name) {
			return nil, errConstraint("userName", `Member must satisfy regular expression pattern: [\w+=,.@-]+`)
		}
	} else if c.role != "" {
		return nil, errValidation("Must specify userName when calling with non-User credentials")
	}
	max := 100
	if p.Has("MaxItems") {
		n, err := strconv.Atoi(p.Get("MaxItems"))
		if err != nil || n < 1 || n > 1000 {
			return nil, errConstraint("maxItems", "Member must have value between 1 and 1000")
		}
		max = n
	}
	start := 0
	if p.Has("Marker") {
		n, err := strconv.Atoi(p.Get("Marker"))
		if err != nil || n < 1 {
			return nil, errValidation("Invalid Marker: pass the Marker of the previous response unchanged.")
		}
		start = n
	}
	u, ok := s.users[name]
	if !ok {
		return nil, &apiError{http.StatusNotFound, "NoSuchEntity", fmt.Sprintf("The user with name %s cannot be found.", name)}
	}
	out := &listMFADevicesResponse{Xmlns: iamXMLNS, MFADevices: []mfaDeviceXML{}}
	for i := start; i < len(u.serials) && len(out.MFADevices) < max; i++ {
		out.MFADevices = append(out.MFADevices, mfaDeviceXML{
			UserName:     u.name,
			SerialNumber: u.serials[i],
			EnableDate:   s.created.Format(time.RFC3339),
		})
	}
	if next := start + len(out.MFADevices); next < len(u.serials) {
		out.IsTruncated, out.Marker = true, strconv.Itoa(next)
	}
	return out, nil
}
