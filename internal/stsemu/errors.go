package stsemu

import (
	"encoding/xml"
	"fmt"
	"net/http"
)

// apiError is an error the emulator returns in AWS's query-protocol error
// document, which the SDK decodes into a smithy.APIError.
type apiError struct {
	status  int
	code    string
	message string
}

func (e *apiError) Error() string { return e.code + ": " + e.message }

// Messages AWS sends, word for word, that clients and tests match on.
const (
	msgInvalidToken   = "The security token included in the request is invalid."
	msgExpiredToken   = "The security token included in the request is expired"
	msgSignature      = "The request signature we calculated does not match the signature you provided. Check your AWS Secret Access Key and signing method. Consult the service documentation for details."
	msgInvalidCode    = "MultiFactor Authentication failed with invalid MFA one time pass code."
	msgUnknownSerial  = "MultiFactor Authentication failed, unable to validate MFA code.  Please verify your MFA serial number is valid and associated with this user."
	msgSessionGST     = "Cannot call GetSessionToken with session credentials"
	msgRoleChaining   = "The requested DurationSeconds exceeds the 1 hour session limit for roles assumed by role chaining."
	msgRoleMaxSession = "The requested DurationSeconds exceeds the MaxSessionDuration set for this role."
)

func errInvalidToken() *apiError {
	return &apiError{http.StatusForbidden, "InvalidClientTokenId", msgInvalidToken}
}

func errExpiredToken() *apiError {
	return &apiError{http.StatusBadRequest, "ExpiredToken", msgExpiredToken}
}

func errSignature() *apiError {
	return &apiError{http.StatusForbidden, "SignatureDoesNotMatch", msgSignature}
}

func errIncompleteSignature(msg string) *apiError {
	return &apiError{http.StatusBadRequest, "IncompleteSignature", msg}
}

func errAccessDenied(msg string) *apiError {
	return &apiError{http.StatusForbidden, "AccessDenied", msg}
}

func errValidation(msg string) *apiError {
	return &apiError{http.StatusBadRequest, "ValidationError", msg}
}

// errConstraint is AWS's "1 validation error detected" for one field. The
// value itself is left out: it may be a secret (a code, an external id).
func errConstraint(field, constraint string) *apiError {
	return errValidation(fmt.Sprintf("1 validation error detected: Value at '%s' failed to satisfy constraint: %s", field, constraint))
}

func errNotAuthorized(caller, action, resource string) *apiError {
	return errAccessDenied(fmt.Sprintf("User: %s is not authorized to perform: %s on resource: %s", caller, action, resource))
}

// errorDocument is <ErrorResponse>, the query-protocol error body.
type errorDocument struct {
	XMLName   xml.Name `xml:"ErrorResponse"`
	Xmlns     string   `xml:"xmlns,attr,omitempty"`
	Error     errorBody
	RequestID string `xml:"RequestId"`
}

type errorBody struct {
	Type    string
	Code    string
	Message string
}

// writeError sends e as AWS does: status, text/xml, and the error document.
func writeError(w http.ResponseWriter, e *apiError, xmlns, requestID string) {
	typ := "Sender"
	if e.status >= 500 {
		typ = "Receiver"
	}
	writeXML(w, e.status, requestID, errorDocument{
		Xmlns:     xmlns,
		Error:     errorBody{Type: typ, Code: e.code, Message: e.message},
		RequestID: requestID,
	})
}

func writeXML(w http.ResponseWriter, status int, requestID string, v any) {
	out, err := xml.Marshal(v)
	if err != nil {
		// Every document is a fixed struct of strings; this cannot happen,
		// but if it does the client still gets a decodable error.
		status = http.StatusInternalServerError
		out = []byte(`<ErrorResponse><Error><Type>Receiver</Type><Code>InternalFailure</Code><Message>emulator could not encode its response</Message></Error></ErrorResponse>`)
	}
	w.Header().Set("Content-Type", "text/xml")
	w.Header().Set("X-Amzn-Requestid", requestID)
	w.Header().Set("Content-Length", fmt.Sprint(len(xml.Header)+len(out)))
	w.WriteHeader(status)
	w.Write([]byte(xml.Header))
	w.Write(out)
}
