"""The Worker's entrypoint: fetch -> the ASGI app, email -> the inbound pipeline, scheduled -> retention."""

import asgi
from workers import WorkerEntrypoint

from tempmail.adapters.workers import handle_email, services_from_env
from tempmail.cleanup import run_cron
from tempmail.web.app import create_app

# Built once per isolate; each request finds its bindings in the scope's `env`.
app = create_app(lambda scope: services_from_env(scope["env"]), client_ip_header="cf-connecting-ip")


async def _email_message(sender, recipient, raw):
    """A `cloudflare:email` EmailMessage (what `message.reply()` takes) for an auto-reply."""
    from pyodide.code import run_js

    module = await run_js("import('cloudflare:email')")
    return module.EmailMessage.new(sender, recipient, raw.decode("utf-8", "replace"))


class Default(WorkerEntrypoint):
    """Routes the three event types this Worker handles to the platform-independent core."""

    async def fetch(self, request):
        return await asgi.fetch(app, request.js_object, self.env, self.ctx)

    async def email(self, message, *_args):
        await handle_email(services_from_env(self.env), message, _email_message)

    async def scheduled(self, controller, *_args):
        await run_cron(services_from_env(self.env))
