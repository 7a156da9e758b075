#!/usr/bin/env python3
"""Book an event through the MCP Calendar Server, the way the seed's AI backend calls it.

Standard library only. One bare JSON-RPC ``tools/call`` POSTed to ``{MCP_URL}/mcp`` (no
``initialize`` first, which a stateless server does not need), authenticated with the API key.

    MCP_URL=http://localhost:60000 MCP_API_KEY=... python3 examples/python_client.py \
        --customer-id user-123 --summary "Dentist" \
        --start 2027-03-10T15:00:00+01:00 --end 2027-03-10T16:00:00+01:00

Without --start and --end it books tomorrow from 15:00 to 16:00 (this machine's local time).

Prints the tool's structured answer as JSON. Exit status: 0 booked, 1 the tool refused (the
error is printed, e.g. calendar_not_connected with the authorization_url to give the user),
2 a protocol or HTTP failure.
"""

import argparse
import datetime
import json
import os
import sys
import urllib.error
import urllib.request


def call_tool(mcp_url, api_key, name, arguments, timeout=30):
    """POST one tools/call and return the JSON-RPC response as a dict."""
    endpoint = mcp_url.rstrip("/")
    if not endpoint.endswith("/mcp"):
        endpoint += "/mcp"
    payload = {
        "jsonrpc": "2.0",
        "id": 1,
        "method": "tools/call",
        "params": {"name": name, "arguments": arguments},
    }
    request = urllib.request.Request(
        endpoint,
        data=json.dumps(payload).encode("utf-8"),
        method="POST",
        headers={
            "Content-Type": "application/json",
            "Authorization": "Bearer " + api_key,
            # Optionally add "X-Customer-Id": <the conversation's customer_id>: the server then
            # refuses any call whose customer_id argument names someone else.
        },
    )
    try:
        with urllib.request.urlopen(request, timeout=timeout) as response:
            return json.loads(response.read().decode("utf-8"))
    except urllib.error.HTTPError as error:
        body = error.read().decode("utf-8", "replace")
        raise RuntimeError("HTTP %d from %s: %s" % (error.code, endpoint, body)) from None


def main(argv=None):
    parser = argparse.ArgumentParser(description="Book an event through the MCP Calendar Server.")
    parser.add_argument("--url", default=os.environ.get("MCP_URL", "http://localhost:60000"),
                        help="server base URL (env MCP_URL); /mcp is appended")
    parser.add_argument("--api-key", default=os.environ.get("MCP_API_KEY"),
                        help="API key (env MCP_API_KEY)")
    parser.add_argument("--customer-id", default=os.environ.get("CUSTOMER_ID", "user-123"))
    parser.add_argument("--summary", default="Cita de prueba")
    tomorrow = (datetime.datetime.now().astimezone() + datetime.timedelta(days=1)).replace(
        hour=15, minute=0, second=0, microsecond=0)
    parser.add_argument("--start", default=tomorrow.isoformat())
    parser.add_argument("--end", default=(tomorrow + datetime.timedelta(hours=1)).isoformat())
    parser.add_argument("--idempotency-key", default=None,
                        help="reuse to make a retried booking answer the same event")
    args = parser.parse_args(argv)
    if not args.api_key:
        parser.error("an API key is required: --api-key or MCP_API_KEY")

    arguments = {
        "customer_id": args.customer_id,  # identifies the user, as the seed requires
        "summary": args.summary,
        "start": args.start,
        "end": args.end,
    }
    if args.idempotency_key:
        arguments["idempotency_key"] = args.idempotency_key

    try:
        response = call_tool(args.url, args.api_key, "create_booking", arguments)
    except (RuntimeError, urllib.error.URLError, ValueError) as error:
        print("request failed: %s" % error, file=sys.stderr)
        return 2
    if "error" in response:
        print("JSON-RPC error: %s" % json.dumps(response["error"]), file=sys.stderr)
        return 2

    result = response["result"]
    answer = result.get("structuredContent")
    if answer is None:
        answer = {"text": "".join(part.get("text", "") for part in result.get("content", []))}
    print(json.dumps(answer, indent=2, ensure_ascii=False))
    return 1 if result.get("isError") else 0


if __name__ == "__main__":
    sys.exit(main())
