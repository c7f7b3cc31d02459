package slacktest

func (s *Server) authTest(_ *apiRequest) (obj, *apiError) {
	return obj{
		"url": s.baseURL + "/", "team": "Preorder Demo", "user": BotName,
		"team_id": TeamID, "user_id": BotUserID, "bot_id": BotID, "is_enterprise_install": false,
	}, nil
}

func (s *Server) usersInfo(r *apiRequest) (obj, *apiError) {
	u, ok := s.st.users[r.str("user")]
	if !ok {
		return nil, fail("user_not_found")
	}
	return obj{"user": userJSON(u)}, nil
}

func userJSON(u User) obj {
	return obj{
		"id": u.ID, "team_id": TeamID, "name": u.Name, "real_name": u.RealName, "tz": u.TZ,
		"is_admin": u.IsAdmin, "is_bot": u.ID == BotUserID, "deleted": false,
		"profile": obj{"real_name": u.RealName, "display_name": u.Name},
	}
}

func (s *Server) usergroupsUsersList(r *apiRequest) (obj, *apiError) {
	g, ok := s.st.groups[r.str("usergroup")]
	if !ok {
		return nil, fail("no_such_subteam")
	}
	users := g.Users
	if users == nil {
		users = []string{}
	}
	return obj{"users": users}, nil
}

func (s *Server) conversationsInfo(r *apiRequest) (obj, *apiError) {
	c := s.st.channel(r.str("channel"))
	if c == nil {
		return nil, fail("channel_not_found")
	}
	return obj{"channel": obj{"id": c.ID, "name": c.Name, "is_channel": true, "is_member": !c.BotAbsent, "is_private": false}}, nil
}
