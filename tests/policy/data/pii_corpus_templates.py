"""Templates for build_pii_corpus.py. HELDOUT_TEMPLATES were written first and are not tuned on."""

from build_pii_corpus import Doc

# =============================================================================================
# Held-out templates
# =============================================================================================


def h_support_ticket(g):
    first, last = g.person()
    d = Doc("ticket")
    d.t(f"Ticket {g.ticket()} — priority P{g.r.randint(1, 3)}\nCustomer: ").e("name", f"{first} {last}")
    d.t("\nReported: checkout fails with 502 after the card is charged. Customer says the card ending ")
    d.t(f"{g.r.randint(1000, 9999)} was billed twice. Callback number: ").e("phone", g.phone())
    d.t(".\nEmail on file: ").e("email", g.email_for(first, last)).t(f"\nAssigned to: ").e("name", g.full())
    return d.row()


def h_stacktrace_neg(g):
    d = Doc("stacktrace")
    d.t(
        "Traceback (most recent call last):\n"
        f'  File "/opt/app/.venv/lib/python3.11/site-packages/django/core/handlers/base.py", line {g.r.randint(50, 300)}, in _get_response\n'
        "    response = wrapped_callback(request, *callback_args, **callback_kwargs)\n"
        f'  File "/opt/app/orders/views.py", line {g.r.randint(10, 400)}, in create_order\n'
        f"    order = Order.objects.get(pk=\"{g.uuid()}\")\n"
        f"orders.models.Order.DoesNotExist: Order matching query does not exist. (request_id={g.sha(32)}, build {g.version()})"
    )
    return d.row()


def h_email_thread(g):
    sender_first, sender_last = g.person()
    to_first, _ = g.person()
    d = Doc("email")
    d.t("From: ").e("name", f"{sender_first} {sender_last}").t(" <").e("email", g.email_for(sender_first, sender_last)).t(">\n")
    d.t(f"Subject: Re: invoice {g.ticket()}\n\n")
    d.t(g.c("Hi ", "Hello ", "Dear ", "Hey ")).e("name", to_first).t(",\n\n")
    d.t("Please wire the remaining balance to IBAN ").e("financial", g.iban())
    d.t(g.c(" by Friday.", " before the end of the month.", " once legal signs off."))
    d.t(" If anything is unclear you can reach me on ").e("phone", g.phone()).t(".\n\n")
    d.t(g.c("Best regards,\n", "Thanks,\n", "Cheers,\n", "Kind regards,\n")).e("name", f"{sender_first} {sender_last}")
    return d.row()


def h_csv_export(g):
    d = Doc("csv")
    d.t(g.c("id,full_name,email,phone,signup_date\n", "id,full_name,email,phone,created_at\n"))
    for i in range(g.r.randint(2, 4)):
        first, last = g.person()
        d.t(f"{g.r.randint(1000, 9999)},").e("name", f"{first} {last}").t(",").e("email", g.email_for(first, last)).t(",")
        d.e("phone", g.phone()).t(f",2024-0{g.r.randint(1, 9)}-1{g.r.randint(0, 9)}\n")
    return d.row()


def h_json_payload(g):
    first, last = g.person()
    d = Doc("json")
    d.t('{\n  "order_id": "').t(g.ticket()).t('",\n  "customer": {\n    "first_name": "').e("name", first)
    d.t('",\n    "last_name": "').e("name", last).t('",\n    "email": "').e("email", g.email_for(first, last))
    d.t('"\n  },\n  "payment": {"card_number": "').e("financial", g.card()).t('", "exp": "0' + str(g.r.randint(1, 9)) + '/2' + str(g.r.randint(6, 9)) + '"},\n')
    d.t(f'  "client_ip": "').e("ip_address", g.ipv4()).t(f'",\n  "trace_id": "{g.sha(32)}"\n}}')
    return d.row()


def h_chat_neg(g):
    d = Doc("chat")
    d.t(g.c(
        "Can you explain why my React component re-renders twice in StrictMode? I'm on React 18.2 with Vite and TypeScript.",
        "What's the difference between Amazon Web Services Lambda and Google Cloud Run for a small Django app?",
        "Write a GitHub Actions workflow that runs pytest on Ubuntu and macOS, caches pip and uploads coverage to Codecov.",
        "Refactor this so the retry uses exponential backoff. Also rename getUserName to fetch_user_display_name.",
        "Our Kubernetes cluster in Frankfurt keeps evicting pods. Memory limits are 512Mi. Prometheus shows spikes at 03:00 UTC.",
        "Summarise the changes in Visual Studio Code 1.85 and tell me whether the Python extension broke notebooks.",
        "Why does Postgres choose a sequential scan here? The table has 40 million rows and an index on created_at.",
        "Travel tips: I'm flying from London to Paris next week, then Berlin. Which rail pass is best?",
    ))
    return d.row()


def h_chat_names(g):
    first, last = g.person()
    other_first, other_last = g.person()
    d = Doc("chat")
    d.t(g.c("I paired with ", "Yesterday I talked to ", "Can you ask ", "Loop in "))
    d.e("name", f"{first} {last}")
    d.t(g.c(" about the flaky integration test?", " from the payments team about the refund bug.", " — she owns the billing service."))
    d.t(" Also ").e("name", f"{other_first} {other_last}").t(g.c(" said the migration is safe to run.", " approved the PR yesterday."))
    return d.row()


def h_code_fixture(g):
    first, last = g.person()
    d = Doc("code")
    d.t("def test_invoice_is_sent_to_billing_contact(client):\n    user = UserFactory(\n        first_name=\"").e("name", first)
    d.t("\",\n        last_name=\"").e("name", last).t("\",\n        email=\"").e("email", g.email_for(first, last))
    d.t("\",\n    )\n    response = client.post(\"/api/invoices\", {\"amount\": 4200, \"currency\": \"EUR\"})\n    assert response.status_code == 201\n")
    return d.row()


def h_code_neg(g):
    d = Doc("code")
    d.t(g.c(
        f"const SENTRY_RELEASE = \"{g.version()}\";\nconst BUILD_SHA = \"{g.sha(40)}\";\nexport function retry(fn, attempts = 3) {{\n  return fn().catch(err => attempts > 1 ? retry(fn, attempts - 1) : Promise.reject(err));\n}}",
        f"class PaymentService:\n    TIMEOUT = 30\n    def charge(self, amount_cents: int, idempotency_key: str = \"{g.uuid()}\"):\n        return self.client.post('/v1/charges', json={{'amount': amount_cents}})",
        f"SELECT id, status, created_at FROM orders WHERE id = 1234567890123456 AND created_at > '{g.timestamp()}' ORDER BY id LIMIT 50;",
        f"docker run -p 8080:8080 -e LOG_LEVEL=debug ghcr.io/acme/api@sha256:{g.sha(64)}",
        f"listen 0.0.0.0:8000; upstream backend {{ server 127.0.0.1:9000; }} # netmask 255.255.255.0, version 10.4.2.1",
    ))
    return d.row()


def h_log_lines(g):
    d = Doc("stacktrace")
    d.t(f"{g.timestamp()} INFO  request_id={g.uuid()} method=POST path=/login status=401 ip=").e("ip_address", g.ipv4())
    d.t(f" ua=\"Mozilla/5.0\" latency_ms={g.r.randint(3, 900)}\n")
    d.t(f"{g.timestamp()} WARN  too many failed logins for user=").e("email", g.email()).t(" from ").e("ip_address", g.ipv6()).t("\n")
    return d.row()


def h_hr_prose(g):
    first, last = g.person()
    d = Doc("prose")
    d.t("Onboarding checklist for ").e("name", f"{first} {last}").t(": payroll needs the SSN (").e("national_id", g.ssn())
    d.t("), the routing number ").e("financial", g.routing()).t(" and account number ").e("financial", g.account())
    d.t(". Laptop ships to the Austin office; badge photo by Monday.")
    return d.row()


def h_ticket_neg(g):
    d = Doc("ticket")
    d.t(f"{g.ticket()}: Upgrade Django from 4.2 to 5.0\n")
    d.t(f"Test card 4242 4242 4242 4241 is rejected as expected. Order number {g.bad_card()} failed validation. ")
    d.t(f"Deploy window {g.timestamp()}; rollback tag v{g.version()}; commit {g.sha(12)}. Owner: Platform Team. Region: New York.")
    return d.row()


def h_signature_short(g):
    first, last = g.person()
    d = Doc("email")
    d.t(g.c("Sounds good, I'll merge it after lunch.\n\n", "Confirmed — the staging deploy is green.\n\n", "Attached is the postmortem draft.\n\n"))
    d.t(g.c("Thanks,\n", "Best,\n", "Regards,\n")).e("name", f"{first} {last}")
    d.t(g.c("\nSenior Engineer, Payments", "\nStaff SRE", ""))
    return d.row()


def h_uk_customer(g):
    first, last = g.person()
    d = Doc("ticket")
    d.t("Customer ").e("name", f"{first} {last}").t(" called about their pension transfer. National Insurance number ")
    d.e("national_id", g.nino()).t(", mobile ").e("phone", g.phone()).t(". Ask ").e("name", g.person()[0]).t(" to call back.")
    return d.row()


def h_yaml_config(g):
    first, last = g.person()
    d = Doc("code")
    d.t("service:\n  name: billing-worker\n  owner_name: ").e("name", f"{first} {last}")
    d.t(f"\n  replicas: 3\n  image: acme/billing:{g.version()}\n  db_host: ").e("ip_address", g.ipv4())
    d.t("\n  alerts:\n    email: ").e("email", g.email_for(first, last)).t("\n")
    return d.row()


def h_brazil(g):
    first, last = g.person()
    d = Doc("chat")
    d.t("Cliente ").e("name", f"{first} {last}").t(", CPF ").e("national_id", g.cpf())
    d.t(", pediu reembolso. Cartão ").e("financial", g.card()).t(".")
    return d.row()


HELDOUT_TEMPLATES = [
    h_support_ticket, h_stacktrace_neg, h_email_thread, h_csv_export, h_json_payload, h_chat_neg,
    h_chat_names, h_code_fixture, h_code_neg, h_log_lines, h_hr_prose, h_ticket_neg, h_signature_short,
    h_uk_customer, h_yaml_config, h_brazil,
]

# =============================================================================================
# Dev templates (tuning)
# =============================================================================================


def d_greeting_chat(g):
    first, last = g.person()
    d = Doc("chat")
    d.t(g.c("hey ", "Hi ", "Morning ", "Thanks ")).e("name", first)
    d.t(g.c("! ", ", ", " — "))
    d.t(g.c("the deploy to prod failed again, can you check the logs?", "could you review PR #4821 when you have a sec?", "I pushed a fix for the null pointer in OrderService."))
    return d.row()


def d_prose_mentions(g):
    first, last = g.person()
    d = Doc("prose")
    d.t(g.c("Per the retro, ", "As discussed, ", "")).e("name", f"{first} {last}")
    d.t(g.c(" will own the on-call rotation for Q3.", " is taking over the data migration.", " found the root cause: a race in the cache warmer."))
    d.t(" Contact ").e("name", g.full()).t(" at ").e("email", g.email()).t(" for access.")
    return d.row()


def d_title(g):
    _, last = g.person()
    first2, last2 = g.person()
    d = Doc("email")
    d.t(g.c("Dr. ", "Ms. ", "Mr. ", "Prof. ")).e("name", last)
    d.t(" asked that the lab results export exclude patient identifiers. ")
    d.t(g.c("Nurse ", "Coordinator ", "")).e("name", f"{first2} {last2}").t(" will send the redacted CSV.")
    return d.row()


def d_csv_semicolon(g):
    d = Doc("csv")
    d.t("customer;email;iban;country\n")
    for _ in range(g.r.randint(2, 3)):
        first, last = g.person()
        d.e("name", f"{first} {last}").t(";").e("email", g.email_for(first, last)).t(";").e("financial", g.iban()).t(g.c(";DE\n", ";FR\n", ";NL\n"))
    return d.row()


def d_json_log(g):
    first, last = g.person()
    d = Doc("json")
    d.t('{"level":"info","ts":"' + g.timestamp() + '","msg":"user updated","user":{"id":' + str(g.r.randint(1, 99999)))
    d.t(',"name":"').e("name", f"{first} {last}").t('","phone":"').e("phone", g.phone()).t('"},"remote_addr":"').e("ip_address", g.ipv4())
    d.t('","request_id":"' + g.uuid() + '"}')
    return d.row()


def d_neg_products(g):
    d = Doc("prose")
    d.t(g.c(
        "Microsoft Teams and Slack both support webhooks; Jira Cloud can post to either.",
        "We migrated from Jenkins to GitLab CI and moved artifacts to Amazon S3 in Ireland.",
        "Django REST Framework, Celery and Redis run on Heroku; Sentry catches errors.",
        "Install Visual Studio Build Tools, then run pip install numpy==1.26.4 again.",
        "The San Francisco and New York offices share one Okta tenant.",
        "Apple Silicon builds need Rosetta for the old Chrome Driver.",
        "Terraform Cloud applies plans in the Frankfurt region; Grafana dashboards live in Datadog now.",
        "Kafka Connect writes to Snowflake every 5 minutes; Airflow retries failed tasks twice.",
    ))
    return d.row()


def d_neg_numbers(g):
    d = Doc("stacktrace")
    d.t(f"ERROR [{g.timestamp()}] worker-{g.r.randint(1, 16)} job={g.uuid()} failed after {g.r.randint(1, 9)} retries\n")
    d.t(f"  at com.acme.billing.InvoiceJob.run(InvoiceJob.java:{g.r.randint(10, 999)})\n")
    d.t(f"  order {g.ticket()} amount=1299.00 EUR card_token=tok_{g.sha(24)} checksum={g.bad_card()}\n")
    d.t(f"  python {g.version()} on linux, numpy {g.version()}, listening on 127.0.0.1:{g.r.randint(1024, 65000)}")
    return d.row()


def d_support_phone(g):
    first, last = g.person()
    d = Doc("ticket")
    d.t("Caller: ").e("name", f"{first} {last}").t("\nPhone: ").e("phone", g.phone())
    d.t("\nIssue: cannot reset MFA. Verified last four of SSN. Full SSN on file: ").e("national_id", g.ssn())
    d.t(f"\nAgent notes: escalated to Tier 2 ({g.ticket()}).")
    return d.row()


def d_code_test_data(g):
    first, last = g.person()
    d = Doc("code")
    d.t("CUSTOMERS = [\n    {\"name\": \"").e("name", f"{first} {last}").t("\", \"card\": \"").e("financial", g.card())
    d.t("\", \"ip\": \"").e("ip_address", g.ipv4()).t("\"},\n]\n")
    d.t("assert mask(CUSTOMERS[0][\"card\"]).endswith(CUSTOMERS[0][\"card\"][-4:])\n")
    return d.row()


def d_git_log(g):
    first, last = g.person()
    d = Doc("code")
    d.t(f"commit {g.sha(40)}\nAuthor: ").e("name", f"{first} {last}").t(" <").e("email", g.email_for(first, last)).t(">\n")
    d.t(f"Date:   Tue Mar 5 14:{g.r.randint(10, 59)}:02 2024 +0100\n\n    Fix rounding in invoice totals ({g.ticket()})\n\n    Co-authored-by: ")
    other_first, other_last = g.person()
    d.e("name", f"{other_first} {other_last}").t(" <").e("email", g.email_for(other_first, other_last)).t(">\n")
    return d.row()


def d_bank_details(g):
    first, last = g.person()
    d = Doc("email")
    d.t("Payee: ").e("name", f"{first} {last}").t("\nBank: First National\nABA routing: ").e("financial", g.routing())
    d.t("\nChecking account #").e("financial", g.account()).t("\nPlease confirm by replying to this email.")
    return d.row()


def d_neg_code(g):
    d = Doc("code")
    d.t(g.c(
        "import { Injectable } from '@angular/core';\n@Injectable({ providedIn: 'root' })\nexport class UserNameService {}",
        "@app.route('/users/<int:user_id>')\ndef get_user(user_id):\n    return User.query.get_or_404(user_id)",
        f"ALTER TABLE accounts ADD COLUMN stripe_customer_id varchar(64); -- migration {g.r.randint(1000, 9999)}_add_stripe",
        "for (let i = 0; i < items.length; i++) { total += items[i].Price * items[i].Quantity; }",
        f"ssh deploy@bastion.internal 'sudo systemctl restart api' # host key SHA256:{g.sha(43)}",
        f"npm install @types/node@{g.version()} --save-dev && git push git@github.com:acme/api.git main",
    ))
    return d.row()


def d_meeting_notes(g):
    a, b, c = g.full(), g.person(), g.full()
    d = Doc("prose")
    d.t("Meeting notes (platform sync)\nAttendees: ").e("name", a).t(", ").e("name", f"{b[0]} {b[1]}").t(", ").e("name", c)
    d.t("\n- Action: ").e("name", b[0]).t(" to draft the RFC for the new rate limiter.\n- Next sync Thursday.")
    return d.row()


def d_ip_versions(g):
    d = Doc("stacktrace")
    d.t("Connection refused to ").e("ip_address", g.ipv4()).t(f":5432 (client version {g.r.randint(1, 9)}.{g.r.randint(0, 9)}.{g.r.randint(0, 9)}.{g.r.randint(0, 99)}).")
    d.t(" Retrying via replica ").e("ip_address", g.ipv4()).t(".")
    return d.row()


DEV_TEMPLATES = [
    d_greeting_chat, d_prose_mentions, d_title, d_csv_semicolon, d_json_log, d_neg_products, d_neg_numbers,
    d_support_phone, d_code_test_data, d_git_log, d_bank_details, d_neg_code, d_meeting_notes, d_ip_versions,
]
