namespace WalletCrew.Plugins.Engine.Tests.Policy;

/// <summary>Scripts a connector author should be able to write; the policy must accept each without a diagnostic.</summary>
internal static class AllowedScripts
{
    /// <summary>A connector in the style of the seed documentation, ported to C#.</summary>
    public const string SeedStyleConnector = """
        using System.Globalization;
        using System.Text;
        using System.Text.RegularExpressions;

        const string ApiUrl = "https://partner.example/api";
        var gate = new object();
        var installs = 0;

        async Task OnPassInstalled(string passId, string passType, IReadOnlyDictionary<string, string> identifiers, string device)
        {
            await OnPassInstallationStatusChanged(passId, passType, identifiers, device, installed: true);
        }

        async Task OnPassUninstalled(string passId, string passType, IReadOnlyDictionary<string, string> identifiers, string device)
        {
            await OnPassInstallationStatusChanged(passId, passType, identifiers, device, installed: false);
        }

        async Task OnPassInstallationStatusChanged(
            string passId, string passType, IReadOnlyDictionary<string, string> identifiers, string device, bool installed)
        {
            var apiKey = await GetSecretAsync("partnerApiKey");
            if (!identifiers.TryGetValue("customerId", out var customerId) || !Regex.IsMatch(customerId, "^[0-9]+$"))
            {
                Log.LogWarning("Pass {PassId} has no numeric customerId", passId);
                return;
            }

            var body = new Dictionary<string, object?>
            {
                ["customerId"] = customerId,
                ["passType"] = passType,
                ["device"] = device,
                ["installed"] = installed,
                ["at"] = DateTimeOffset.UtcNow.ToString("O", CultureInfo.InvariantCulture),
            };

            try
            {
                var response = await Context.FetchAsync($"{ApiUrl}/customers/{Uri.EscapeDataString(customerId)}/wallet", new FetchOptions
                {
                    Method = "POST",
                    Headers = new Dictionary<string, string> { ["Authorization"] = $"Bearer {apiKey}" },
                    Body = JsonSerializer.Serialize(body),
                });
                using var document = JsonDocument.Parse(response.Body);
                var status = document.RootElement.TryGetProperty("status", out var s) ? s.GetString() : null;
                lock (gate)
                {
                    installs++;
                }

                Log.LogInformation("Partner answered {Status} ({Installs} so far)", status ?? "none", installs);
            }
            catch (FetchException e) when (e.Message.Length > 0)
            {
                Log.LogError(e, "Partner call failed for {PassId}", passId);
                throw;
            }
            finally
            {
                Log.LogDebug("Done with {PassId}", passId);
            }
        }

        async Task<FillResult> Fill(FillRequest request, CancellationToken cancellationToken)
        {
            var response = await FetchAsync($"{ApiUrl}/points?pass={request.PassId}", null, cancellationToken);
            var points = JsonSerializer.Deserialize<List<PointsLine>>(response.Body) ?? [];
            var total = points.Where(p => p.Points > 0).Sum(p => p.Points);
            var tiers = from p in points where p.Points > 100 orderby p.Label select p.Label.ToUpperInvariant();
            var summary = new StringBuilder();
            foreach (var line in points)
            {
                summary.Append(line.Label).Append('=').Append(line.Points).Append(';');
            }

            var (label, value) = points.FirstOrDefault() ?? new PointsLine("none", 0);
            var node = new JsonObject { ["points"] = total, ["tier"] = string.Join(",", tiers), ["first"] = $"{label}:{value}" };
            var copy = JsonSerializer.Deserialize<Dictionary<string, JsonElement>>(node.ToJsonString()) ?? [];
            node["fields"] = copy.Count;
            await Task.WhenAll(Task.Delay(1, cancellationToken), Task.CompletedTask);
            return new FillResult(node);
        }

        Context.Register(RegistrationKeys.PassUpdater, new Hooks
        {
            ["OnPassInstalled"] = OnPassInstalled,
            ["OnPassUninstalled"] = OnPassUninstalled,
        });
        Context.Register(RegistrationKeys.CustomerProvider("loyalty"), new Hooks { ["Fill"] = Fill });

        record PointsLine(string Label, int Points);
        """;

    public static TheoryData<string, string> Entries { get; } = new()
    {
        { "seed-style connector", SeedStyleConnector },
        { "typed connector class", """
            Context.Register(RegistrationKeys.PassUpdater, new CrmSync(Context));

            sealed class CrmSync(IConnectorContext context) : IPassUpdater
            {
                public async Task OnPassInstalledAsync(PassInstallationEvent e, CancellationToken cancellationToken)
                {
                    var response = await context.FetchAsync("https://crm.example/installed", new { e.PassId }, cancellationToken);
                    context.Log.LogInformation("CRM said {Status}", response.Status);
                }

                public Task OnPassUninstalledAsync(PassInstallationEvent e, CancellationToken cancellationToken) => Task.CompletedTask;
            }
            """ },
        { "maths, dates and formatting", """
            var now = DateTimeOffset.UtcNow;
            var due = now.AddDays(30).ToString("yyyy-MM-dd", System.Globalization.CultureInfo.InvariantCulture);
            var amount = Math.Round(12.345m * 1.2m, 2, MidpointRounding.AwayFromZero);
            var id = Guid.NewGuid().ToString("N");
            var bytes = System.Text.Encoding.UTF8.GetBytes($"{id}:{amount}:{due}");
            var b64 = Convert.ToBase64String(bytes);
            var back = System.Text.Encoding.UTF8.GetString(Convert.FromBase64String(b64));
            var n = int.Parse("42") + (int?)null ?? 0;
            var span = TimeSpan.FromMinutes(5) > TimeSpan.Zero;
            var dice = Random.Shared.Next(6);
            Log.LogInformation("{Back} {N} {Span} {Dice}", back, n, span, dice);
            """ },
        { "collections, tuples and pattern matching", """
            var queue = new Queue<(string Name, int Score)>();
            queue.Enqueue(("a", 1));
            var stack = new Stack<int>([1, 2, 3]);
            var set = new HashSet<string>(StringComparer.OrdinalIgnoreCase) { "A", "a" };
            int[] numbers = [1, 2, 3, ..stack];
            var (name, score) = queue.Dequeue();
            var lookup = numbers.ToLookup(x => x % 2 == 0);
            var grouped = numbers.GroupBy(x => x % 3).ToDictionary(g => g.Key, g => g.Count());
            object boxed = score;
            var text = boxed switch { int i when i > 0 => $"positive {i}", string s => s, _ => "other" };
            var slice = numbers[1..^1];
            var nodes = new JsonArray(1, 2, 3);
            Log.LogInformation("{Name} {Set} {Text} {Slice} {Nodes} {Lookup} {Grouped}", name, set.Count, text, slice.Length, nodes.Count, lookup.Count, grouped.Count);
            """ },
        { "typeof, nameof and exceptions", """
            var typeName = nameof(System.IO.File) + typeof(string);
            try
            {
                throw new InvalidOperationException("nope", new ArgumentException("inner", nameof(typeName)));
            }
            catch (InvalidOperationException e) when (e.InnerException is ArgumentException)
            {
                Log.LogWarning(e, "caught {Message}", e.Message);
            }
            var t = typeof(List<int>);
            var same = t == typeof(List<int>);
            """ },
        { "async iteration, cancellation and disposal", """
            using var cts = CancellationTokenSource.CreateLinkedTokenSource(CancellationToken.None);
            await foreach (var item in Numbers(cts.Token))
            {
                Log.LogInformation("{Item}", item);
            }

            await using var resource = new Resource();
            var node = JsonNode.Parse("{\"a\":1}")!;
            var a = node["a"]!.GetValue<int>();
            var element = JsonSerializer.SerializeToElement(new { a });
            var value = await new ValueTask<int>(a).ConfigureAwait(false);

            static async IAsyncEnumerable<int> Numbers([System.Runtime.CompilerServices.EnumeratorCancellation] CancellationToken token = default)
            {
                for (var i = 0; i < 3; i++)
                {
                    await Task.Delay(1, token);
                    yield return i;
                }
            }

            sealed class Resource : IAsyncDisposable
            {
                public ValueTask DisposeAsync() => ValueTask.CompletedTask;
            }
            """ },
        { "records, regex, locks and throttling", """
            using System.Text.RegularExpressions;

            var gate = new Lock();
            var throttle = new SemaphoreSlim(4);
            var cache = new System.Collections.Concurrent.ConcurrentDictionary<string, Customer>();
            var builder = new System.Text.StringBuilder().Append($"{DateTime.MinValue:yyyy}-{42,5}");
            foreach (Match m in Regex.Matches("a1 b2 c3", @"(\w)(\d)"))
            {
                builder.Append($"{m.Groups[1].Value}={m.Groups[2].Value};");
            }

            await throttle.WaitAsync();
            try
            {
                var customer = cache.GetOrAdd("42", id => new Customer(id, "Gold"));
                var upgraded = customer with { Tier = "Platinum" };
                lock (gate)
                {
                    cache["42"] = upgraded;
                }

                var payload = new { upgraded.Id, upgraded.Tier, Text = builder.ToString() };
                Log.LogInformation("{Payload}", JsonSerializer.Serialize(payload));
            }
            finally
            {
                throttle.Release();
            }

            record Customer(string Id, string Tier);
            """ },
    };
}
