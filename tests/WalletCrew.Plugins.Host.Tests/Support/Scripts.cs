namespace WalletCrew.Plugins.Host.Tests.Support;

/// <summary>Connector scripts the tests load into real tenants.</summary>
internal static class Scripts
{
    /// <summary>A typed pass updater posting every event (id, pass, state, device, counts, attempt) to <c>{url}</c>.</summary>
    public static string PostingHook(string url) => $$"""
        Context.Register(RegistrationKeys.PassUpdater, new Forwarder(Context));

        sealed class Forwarder(IConnectorContext context) : IPassUpdater
        {
            public Task OnPassInstalledAsync(PassInstallationEvent e, CancellationToken cancellationToken) => SendAsync(e, cancellationToken);

            public Task OnPassUninstalledAsync(PassInstallationEvent e, CancellationToken cancellationToken) => SendAsync(e, cancellationToken);

            private async Task SendAsync(PassInstallationEvent e, CancellationToken cancellationToken)
            {
                await context.FetchAsync("{{url}}", new FetchOptions
                {
                    Method = "POST",
                    Headers = new Dictionary<string, string> { ["Idempotency-Key"] = e.EventId },
                    Body = new
                    {
                        eventId = e.EventId,
                        tenantId = e.TenantId,
                        passId = e.PassId,
                        installed = e.Installed,
                        device = e.Device.ToString().ToLowerInvariant(),
                        active = e.AdditionalInformation.RegistrationInformation.ActiveRegistrationCount,
                        total = e.AdditionalInformation.RegistrationInformation.TotalRegistrationCount,
                        attempt = e.Attempt,
                        medium = e.AdditionalInformation.RegistrationSource?.Medium,
                    },
                }, cancellationToken);
                context.Log.LogInformation("Forwarded {EventId}", e.EventId);
            }
        }
        """;

    /// <summary>
    /// A typed pass updater that reads the tenant secret <c>MODE</c> on every call: <c>ok</c> logs
    /// <c>delivered {eventId} {passId} {installed} {device} {active} {total} {attempt}</c>, <c>down</c> throws, <c>slow</c> waits 30 s.
    /// </summary>
    public const string RecordingHook = """
        Context.Register(RegistrationKeys.PassUpdater, new Recorder(Context));

        sealed class Recorder(IConnectorContext context) : IPassUpdater
        {
            public Task OnPassInstalledAsync(PassInstallationEvent e, CancellationToken cancellationToken) => RunAsync(e, cancellationToken);

            public Task OnPassUninstalledAsync(PassInstallationEvent e, CancellationToken cancellationToken) => RunAsync(e, cancellationToken);

            private async Task RunAsync(PassInstallationEvent e, CancellationToken cancellationToken)
            {
                var mode = await context.GetSecretAsync("MODE", cancellationToken);
                if (mode == "down")
                {
                    throw new InvalidOperationException("The partner is unavailable.");
                }

                if (mode == "slow")
                {
                    await Task.Delay(TimeSpan.FromSeconds(30), cancellationToken);
                }

                var info = e.AdditionalInformation.RegistrationInformation;
                context.Log.LogInformation("delivered {EventId} {PassId} {Installed} {Device} {Active} {Total} {Attempt}",
                    e.EventId, e.PassId, e.Installed, e.Device.ToString().ToLowerInvariant(), info.ActiveRegistrationCount, info.TotalRegistrationCount, e.Attempt);
            }
        }
        """;

    /// <summary>
    /// A typed email sender rendering the request's template and posting <c>{emailId, to, subject, html}</c> to <c>{url}</c>
    /// with the EmailId as <c>Idempotency-Key</c>; a partner error fails the attempt.
    /// </summary>
    public static string PostingEmailSender(string url) => $$"""
        Context.Register(RegistrationKeys.EmailEngine, new Mailer(Context));

        sealed class Mailer(IConnectorContext context) : IEmailSender
        {
            public async Task SendEmailAsync(EmailRequest request, CancellationToken cancellationToken)
            {
                var email = await request.BuildEmailAsync(request.EmailTemplate, cancellationToken);
                await context.FetchAsync("{{url}}", new FetchOptions
                {
                    Method = "POST",
                    Headers = new Dictionary<string, string> { ["Idempotency-Key"] = request.EmailId },
                    Body = new { emailId = request.EmailId, to = request.Recipient, subject = email.Subject, html = email.Body },
                }, cancellationToken);
                context.Log.LogInformation("Sent {EmailId} to {Recipient}", request.EmailId, request.Recipient);
            }
        }
        """;

    /// <summary>A typed email sender that renders the request's template and logs <c>sent {emailId} {subject}</c>; it calls no partner.</summary>
    public const string LoggingEmailSender = """
        Context.Register(RegistrationKeys.EmailEngine, new Mailer(Context));

        sealed class Mailer(IConnectorContext context) : IEmailSender
        {
            public async Task SendEmailAsync(EmailRequest request, CancellationToken cancellationToken)
            {
                var email = await request.BuildEmailAsync(request.EmailTemplate, cancellationToken);
                context.Log.LogInformation("sent {EmailId} {Subject}", request.EmailId, email.Subject);
            }
        }
        """;

    /// <summary>The documentation's JavaScript-style hook: logs and posts to <c>{url}</c>.</summary>
    public static string JavaScriptStyleHook(string url) => $$"""
        async Task onPassInstalled(string passId, string passType, IReadOnlyDictionary<string, string> identifiers, string device) {
            console.log($"Pass {passId} installed on {device}");
            await fetch("{{url}}", new FetchOptions { Method = "POST", Body = new { passId, device, customerId = identifiers["customerId"] } });
        }
        context.register("runtime.wallet.passUpdater", new { OnPassInstalled = onPassInstalled });
        """;

    /// <summary>Customer providers without partner: <c>points</c> adds 10 to the pass's points, <c>slow</c> never answers in time, <c>broken</c> throws.</summary>
    public const string LocalProviders = """
        object points(string passId, string passType, IReadOnlyDictionary<string, string> identifiers, IReadOnlyDictionary<string, JsonElement> data) =>
            new { customerId = identifiers["customerId"], points = data["points"].GetInt32() + 10, passId, passType };
        async Task<object> slow(string passId) {
            await Task.Delay(TimeSpan.FromMinutes(5));
            return new { never = true };
        }
        object broken(string passId) => throw new InvalidOperationException("loyalty backend said no");
        context.register("runtime.scriptable.customerProvider.points", new { Fill = points });
        context.register("runtime.scriptable.customerProvider.slow", new { Fill = slow });
        context.register("runtime.scriptable.customerProvider.broken", new { Fill = broken });
        """;

    /// <summary>Customer providers: <c>points</c> reads the partner, <c>slow</c> never answers in time, <c>broken</c> throws.</summary>
    public static string Providers(string url) => $$"""
        async Task<object> points(string passId, string passType, IReadOnlyDictionary<string, string> identifiers) {
            var response = await fetch("{{url}}/customers/" + identifiers["customerId"]);
            var customer = response.Json();
            return new { points = customer.GetProperty("points").GetInt32(), passId };
        }
        async Task<object> slow(string passId) {
            await Task.Delay(TimeSpan.FromMinutes(5));
            return new { never = true };
        }
        object broken(string passId) => throw new InvalidOperationException("loyalty backend said no");
        context.register("runtime.scriptable.customerProvider.points", new { Fill = points });
        context.register("runtime.scriptable.customerProvider.slow", new { Fill = slow });
        context.register("runtime.scriptable.customerProvider.broken", new { Fill = broken });
        """;
}
