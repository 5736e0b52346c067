"""Build tests/policy/data/mixed_realistic.jsonl: hand-written developer traffic, labeled for PII and secrets.

    .venv/bin/python tests/policy/data/build_mixed_corpus.py

Written by hand by someone who did not build the detectors, without looking at their rules or
corpora: an independent check of how they do on text they have not seen. Markup
`[[type:value]]` marks a span (entity types, or `secret`); the builder strips it and records
offsets. Every credential is fake (random or made up), never a real one. Lines without markup
are hard negatives: UUIDs, hashes, versions, timestamps, ids, numbers that fail Luhn, product
and place names. bench/accuracy.py scores files named mixed* for PII and secrets alike.
"""

import json
import re
from pathlib import Path

HERE = Path(__file__).parent
MARK = re.compile(r"\[\[([a-z_]+):(.+?)\]\]", re.S)

LINES = [
    ("chat", "hey can you look at why the export for [[name:Priya Raman]] keeps failing? she said it worked yesterday"),
    ("chat", "@channel deploy of billing-api v2.31.0 is done, ping [[name:Tomás Ferreira]] if the dashboards look off"),
    ("email", "Hi [[name:Grace]],\n\nThanks for the quick turnaround. Could you send the signed contract to [[email:grace.okonkwo@brightlane.co.uk]] as well?\n\nBest,\n[[name:Daniel Whitaker]]\nHead of Procurement\n[[phone:+44 20 7946 0321]]"),
    ("email", "From: [[name:Mei Lin Chen]] <[[email:meilin.chen@harborfreight-logistics.com]]>\nTo: [[email:ops@harborfreight-logistics.com]]\nSubject: shipment 88213 delayed\n\nThe container left Rotterdam on 2026-11-03T07:40:00Z but customs flagged it. Call me at [[phone:(415) 555-0173]]."),
    ("ticket", "SUP-4471 Customer [[name:Olusegun Adeyemi]] says his card [[financial:4539 1488 0343 6467]] was charged twice for order #100234. Refund to the same card please."),
    ("ticket", "BUG-2290: checkout 500s when the billing address has an apostrophe (O'Reilly Street, Dublin). Repro on staging build 4.12.7, commit 9f2c1e7ab3d4."),
    ("ticket", "Please update the payout account for vendor ACME GmbH: IBAN [[financial:DE89 3704 0044 0532 0130 00]], contact [[name:Jürgen Hoffmann]] ([[email:j.hoffmann@acme-gmbh.de]])."),
    ("csv", "id,full_name,email,phone,signup\n1,[[name:Ana Souza]],[[email:ana.souza@gmail.com]],[[phone:+55 11 91234-5678]],2026-10-01\n2,[[name:Kenji Watanabe]],[[email:k.watanabe@example.jp]],[[phone:+81 3-1234-5678]],2026-10-02\n3,[[name:Fatima Zahra Benali]],[[email:fz.benali@outlook.fr]],[[phone:+33 6 12 34 56 78]],2026-10-04"),
    ("csv", "sku,product,price,warehouse\nMBP-14-M3,MacBook Pro 14,1999.00,Frankfurt\nTHINK-X1,ThinkPad X1 Carbon,1649.00,Austin\nPIXEL-9,Google Pixel 9,799.00,Singapore"),
    ("json", '{"user": {"id": "6f1c2b9e-3a47-4d8e-9b0c-2f5e8a1d7c34", "name": "[[name:Lucía Fernández]]", "email": "[[email:lucia.fernandez@correo.es]]", "ip": "[[ip_address:83.56.12.201]]"}, "plan": "pro", "created": "2026-09-14T12:03:11Z"}'),
    ("json", '{"event": "login_failed", "attempts": 5, "source_ip": "[[ip_address:2a02:8108:1c40:5d00:9d3:2f11:a2b7:6c1e]]", "user_agent": "Mozilla/5.0 (X11; Linux x86_64)", "trace_id": "4bf92f3577b34da6a3ce929d0e0e4736"}'),
    ("json", '{"order_id": "ORD-2026-118842", "amount": 129.9, "currency": "EUR", "card_last4": "4242", "sha256": "9b74c9897bac770ffc029102a200c5de9b74c9897bac770ffc029102a200c5de"}'),
    ("stacktrace", 'Traceback (most recent call last):\n  File "/srv/app/payments/charge.py", line 57, in charge\n    resp = stripe.Charge.create(amount=amount, source=token)\nstripe.error.CardError: Your card was declined. (request req_8HkLm2QpZ, card_fingerprint Xt9uB2kqP0aQmZ3v)'),
    ("stacktrace", 'psycopg.OperationalError: connection to server at "[[ip_address:10.0.12.7]]", port 5432 failed: FATAL:  password authentication failed for user "app"\n  DSN: postgres://app:[[secret:Wq7!rT2zLx9#pV4m]]@[[ip_address:10.0.12.7]]:5432/orders'),
    ("stacktrace", "java.lang.NullPointerException: Cannot invoke \"com.acme.billing.Invoice.getTotal()\" because \"invoice\" is null\n\tat com.acme.billing.InvoiceService.finalize(InvoiceService.java:212)\n\tat com.acme.billing.Worker.run(Worker.java:88)"),
    ("code", "import os\n\nOPENAI_API_KEY = os.environ[\"OPENAI_API_KEY\"]\nclient = OpenAI(api_key=OPENAI_API_KEY, base_url=\"http://127.0.0.1:41002/v1\")"),
    ("code", "# TODO remove before merge\nAWS_ACCESS_KEY_ID = \"[[secret:AKIA4QZ7NV2XKJ5TR6PB]]\"\nAWS_SECRET_ACCESS_KEY = \"[[secret: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]]\"\ns3 = boto3.client(\"s3\", region_name=\"eu-west-1\")"),
    ("code", "const octokit = new Octokit({ auth: '[[secret:ghp_q8Lr2VbX7mNc4TzK9pWs1YhE6uJd3AfG5oRi]]' });\nawait octokit.repos.get({ owner: 'acme', repo: 'billing' });"),
    ("code", "headers = {\"Authorization\": \"Bearer YOUR_API_KEY\", \"Content-Type\": \"application/json\"}\n# replace YOUR_API_KEY with the key from the dashboard (sk-...)"),
    ("code", "def test_luhn():\n    assert not is_valid_card(\"1234567812345678\")\n    assert not is_valid_card(\"0000-0000-0000-0001\")"),
    ("code", "SLACK_WEBHOOK=[[secret:https://hooks.slack.com/services/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]]\nDATABASE_URL=postgres://app:${DB_PASSWORD}@db:5432/app"),
    ("code", "stripe.api_key = \"[[secret:sk_live_51Nq8ZtKx2VbL9mPq7RwYs4Tc3HdF6gJ0aE1uI8oP5lK2jH7]]\"\ncharge = stripe.PaymentIntent.create(amount=2000, currency=\"usd\")"),
    ("code", "[[secret:-----BEGIN OPENSSH PRIVATE KEY-----\nb3BlbnNzaC1rZXktdjEAAAAABG5vbmUAAAAEbm9uZQAAAAAAAAABAAAAMwAAAAtzc2gtZW\nQyNTUxOQAAACDk2m9Q0xHq3J8pZrT7vW1yB6nC0dF5gA9eK2uI3oLsXwAAAJhk1Qc5ZNUH\n-----END OPENSSH PRIVATE KEY-----]]"),
    ("prose", "We met with the team in Lisbon to plan the Q3 roadmap. Apple, Google and Microsoft all announced similar features, so we will focus on the Salesforce integration instead."),
    ("prose", "The migration from Python 3.9 to 3.11 cut p99 latency by 18% on the checkout service; see Grafana dashboard 7731 and the runbook in Confluence."),
    ("prose", "Grace Hopper popularised the term debugging; Ada Lovelace wrote the first published algorithm. Both are on the reading list for the new-hire onboarding week."),
    ("chat", "can you write a regex for emails like [[email:first.last+tag@sub.example.org]]? ours rejects the plus sign"),
    ("chat", "my home IP changed to [[ip_address:82.132.214.9]], can someone update the allowlist for the bastion? thx"),
    ("chat", "build 2026.11.27-rc3 failed at 09:14:07 UTC, job id 88412993, runner ip 127.0.0.1 — retrying"),
    ("chat", "[[name:Sven]] please rotate the npm token, it was pasted in #general: [[secret:npm_Z4kQ9mL2xV7bR1tW8yP3sH6nC5dF0gJ2aE9u]]"),
    ("email", "Dear Mr. [[name:Kowalski]],\n\nyour SSN [[national_id:536-22-8741]] appears on the W-9 we received; please confirm the routing number [[financial:021000021]] for direct deposit.\n\nKind regards,\nPayroll team"),
    ("email", "Hi team, reminder that the offsite is in Kraków on 12 December. Flights from Berlin leave 08:35. Bring your laptops — we will pair on the Kubernetes upgrade."),
    ("ticket", "INC-9920 API gateway returns 429 for tenant 5c1d7e2a. Rate limit is 600 rpm, observed 1,204 rpm between 14:00 and 14:05. No customer data involved."),
    ("ticket", "Customer [[name:Nguyễn Thị Lan]] ([[email:lan.nguyen@fpt.vn]]) cannot reset her password; the reset link in the email expires too quickly. Her phone: [[phone:+84 912 345 678]]."),
    ("ticket", "Request from [[name:Rahul Mehta]]: please whitelist [[ip_address:203.0.113.45]] and [[ip_address:198.51.100.23]] for the reporting API."),
    ("csv", "timestamp,level,service,message\n2026-11-27T08:00:01Z,INFO,auth,login ok user_id=88231\n2026-11-27T08:00:02Z,WARN,billing,retry 2/5 invoice=INV-00412\n2026-11-27T08:00:04Z,ERROR,search,timeout after 3000ms shard=7"),
    ("json", '{"customer": {"first_name": "[[name:Chiara]]", "last_name": "[[name:Bianchi]]", "phone": "[[phone:+39 347 123 4567]]", "iban": "[[financial:IT60 X054 2811 1010 0000 0123 456]]"}, "status": "verified"}'),
    ("code", "jwt = \"[[secret:eyJhbGciOiJIUzI1NiIsInR5cCI6IkpXVCJ9.eyJzdWIiOiI0MjEzIiwicm9sZSI6ImFkbWluIiwiaWF0IjoxNzY0MjMwNDAwfQ.q2Xn7Lk9Pz4mR7tW1yB6nC0dF5gA9eK2uI3oLsXwYbE]]\"\nresp = requests.get(url, headers={\"Authorization\": f\"Bearer {jwt}\"})"),
    ("code", "config = {\n  'db_password': '[[secret:Tr0ub4dor&3xK9!mZ]]',\n  'db_host': 'orders-db.internal',\n  'pool_size': 20,\n}"),
    ("code", "ANTHROPIC_API_KEY=[[secret:sk-ant-api03-Zq8Lr2VbX7mNc4TzK9pWs1YhE6uJd3AfG5oRiQ2wE4rT6yU8iO0pA1sD3fG5hJ7kL9zX1cV3bN5mQ7wE9rT1yU3iO5pA-7kL9zX1cAA]]\n# loaded by the worker at startup"),
    ("code", "export KT_GATEWAY_KEY=[[secret:kt_gk_9QmZ2rL7xV4bT8wP1yH6nC3dF5gJ0aE2uI9oK7sLq]]\ncurl -H \"Authorization: Bearer $KT_GATEWAY_KEY\" http://127.0.0.1:41002/v1/models"),
    ("prose", "Version 3.4.1 fixes CVE-2024-3094 in the xz package; the SHA-1 of the release tarball is 2fd4e1c67a2d28fced849ee1bb76e7391b93eb12."),
    ("prose", "Order 4111 1111 1111 1112 was rejected by the validator because the checksum failed, which is what we want for made-up numbers."),
    ("chat", "who owns the Jenkins box? it's at [[ip_address:10.20.30.41]] and disk is at 97%"),
    ("email", "Hello,\n\nI'm [[name:Aisha Bello]] from the data team. My number changed to [[phone:+234 803 555 0199]] — please update the on-call sheet.\n\nThanks!\n[[name:Aisha]]"),
    ("ticket", "Rollback plan: revert to image registry.acme.io/api:1.8.3 (digest sha256:3c1f8e2a9b7d6c5e4f3a2b1c0d9e8f7a6b5c4d3e2f1a0b9c8d7e6f5a4b3c2d1e) if error rate exceeds 2%."),
    ("code", "# Example from the AWS docs, not a real key\naws_access_key_id = AKIAIOSFODNN7EXAMPLE\naws_secret_access_key = wJalrXUtnFEMI/K7MDENG/bPxRfiCYEXAMPLEKEY"),
    ("chat", "[[name:Maria]] and [[name:José]] are out today; [[name:Oluwaseun Bakare]] is covering the pager until Monday."),
    ("csv", "employee,manager,location\n[[name:Hannah Schmidt]],[[name:Peter Novak]],Vienna\n[[name:Wei Zhang]],[[name:Hannah Schmidt]],Shanghai\n[[name:Arjun Nair]],[[name:Peter Novak]],Bengaluru"),
    ("prose", "The Amazon River and Mount Kilimanjaro appear in the geography quiz; Jordan, Georgia and Chad are countries, not people, in this dataset."),
]


def parse(marked: str) -> tuple[str, list[dict]]:
    parts, spans, position = [], [], 0
    last = 0
    for match in MARK.finditer(marked):
        parts.append(marked[last:match.start()])
        position += match.start() - last
        value = match.group(2)
        spans.append({"start": position, "end": position + len(value), "type": match.group(1)})
        parts.append(value)
        position += len(value)
        last = match.end()
    parts.append(marked[last:])
    return "".join(parts), spans


def main() -> None:
    with open(HERE / "mixed_realistic.jsonl", "w", encoding="utf-8") as out:
        for source, marked in LINES:
            text, spans = parse(marked)
            for span in spans:
                assert text[span["start"]:span["end"]] and "[[" not in text
            out.write(json.dumps({"text": text, "source": source, "spans": spans}, ensure_ascii=False) + "\n")


if __name__ == "__main__":
    main()
