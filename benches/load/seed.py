"""Seeds the load test: an account (load@example.com), then GROUPS groups of 12 members (m01..m12)
with EXPENSES expenses each, owned by that account, through the HTTP API.
Usage: python3 seed.py BASE_URL GROUPS EXPENSES; prints the account's access token and the group
ids (comma-separated), separated by a space."""

import json
import sys
import urllib.request


def post(base: str, path: str, body: dict, token: str = "") -> dict:
    headers = {"Content-Type": "application/json"}
    if token:
        headers["Authorization"] = "Bearer " + token
    req = urllib.request.Request(base + path, data=json.dumps(body).encode(), method="POST",
                                 headers=headers)
    with urllib.request.urlopen(req) as resp:
        return json.loads(resp.read())


def main(base: str, groups: int, expenses: int) -> None:
    creds = {"email": "load@example.com", "password": "wrk drives this server hard"}
    post(base, "/v1/accounts", creds)
    token = post(base, "/v1/auth/login", creds)["access_token"]
    members = [f"m{i:02d}" for i in range(1, 13)]
    ids = []
    for g in range(groups):
        group = post(base, "/v1/groups", {"name": f"load {g}", "currency": "EUR", "members": members,
                                          "me": "m01"}, token)
        gid = group["id"]
        for e in range(expenses):
            split = ({"type": "equal"} if e % 3 else
                     {"type": "shares", "shares": {members[e % 12]: "2", members[(e + 5) % 12]: "1"}})
            post(base, f"/v1/groups/{gid}/expenses", {
                "amount": f"{10 + e % 90}.{e % 100:02d}", "paid_by": members[(e * 7) % 12],
                "split": split, "date": f"2026-{1 + e % 12:02d}-{1 + e % 28:02d}", "category": "seed"}, token)
        ids.append(gid)
    print(token, ",".join(ids))


if __name__ == "__main__":
    main(sys.argv[1], int(sys.argv[2]), int(sys.argv[3]))
