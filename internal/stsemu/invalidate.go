package stsemu

import (
	"fmt"
)

// Invalidation is how Invalidate makes STS turn away temporary credentials
// it issued, as AWS does when something happens to them out of a client's
// sight.
type Invalidation string

const (
	// Expire ends the credentials now: requests signed with them get
	// ExpiredToken, as when STS's clock is ahead of the client's.
	Expire Invalidation = "expire"
	// Revoke forgets the credentials: requests signed with them get
	// InvalidClientTokenId, as when the access key behind them was
	// deactivated or deleted.
	Revoke Invalidation = "revoke"
	// Deny keeps the credentials valid but refuses every action except
	// GetCallerIdentity with AccessDenied "... with an explicit deny", as
	// when an administrator attaches a policy that revokes sessions issued
	// before now.
	Deny Invalidation = "deny"
)

// Invalidate makes STS turn away the temporary credentials with access key
// id accessKeyID, as how says. Long-term keys cannot be invalidated here.
func (s *Server) Invalidate(accessKeyID string, how Invalidation) error {
	s.mu.Lock()
	defer s.mu.Unlock()
	c, ok := s.keys[accessKeyID]
	if !ok || !c.temporary {
		return fmt.Errorf("no temporary credentials %q were issued by this emulator", truncate(accessKeyID, 128))
	}
	switch how {
	case Expire:
		c.expires = s.now()
	case Revoke:
		delete(s.keys, accessKeyID)
	case Deny:
		c.denied = true
	default:
		return fmt.Errorf("unknown invalidation %q: use %s, %s or %s", truncate(string(how), 32), Expire, Revoke, Deny)
	}
	return nil
}

// explicitDeny is the AccessDenied a denied caller gets for action.
func (s *Server) explicitDeny(c *cred, action string) *apiError {
	return errAccessDenied(fmt.Sprintf("User: %s is not authorized to perform: %s with an explicit deny in an identity-based policy",
		s.callerArn(c), actions[action].service+":"+action))
}
