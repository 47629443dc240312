using System.Net;
using WalletCrew.Plugins.Engine.Fetch;
using WalletCrew.Plugins.Engine.Invocation;

namespace WalletCrew.Plugins.Engine.Tests.Refit;

/// <summary>The handler behind <c>Context.CreateHttpClient</c>: fetch's handler, fetch's limits, the invocation's cancellation.</summary>
public sealed class ConnectorHttpHandlerTests
{
    [Fact]
    public async Task InvocationCancellationReachesTheRequest()
    {
        var inner = new RecordingHandler { Hang = true };
        using var fetch = new FetchClient(new FetchClientOptions { Handler = inner });
        using var client = new HttpClient(fetch.CreateConnectorHandler()) { BaseAddress = new Uri("https://partner.example") };
        using var invocation = new CancellationTokenSource();

        var send = SendInScopeAsync(client, invocation.Token, new HttpRequestMessage(HttpMethod.Get, "/customers/C42"));
        await inner.Started.Task.WaitAsync(TimeSpan.FromSeconds(10));
        await invocation.CancelAsync();

        await FluentActions.Awaiting(() => send).Should().ThrowAsync<OperationCanceledException>();
        inner.SawCancellation.Should().BeTrue();
    }

    [Fact]
    public async Task RequestsGoOutAsHttp11AndDisposingTheClientKeepsTheSharedHandler()
    {
        var inner = new RecordingHandler();
        using var fetch = new FetchClient(new FetchClientOptions { Handler = inner });
        using (var client = new HttpClient(fetch.CreateConnectorHandler()) { BaseAddress = new Uri("https://partner.example") })
        {
            using var request = new HttpRequestMessage(HttpMethod.Get, "/customers/C42") { Version = HttpVersion.Version30, VersionPolicy = HttpVersionPolicy.RequestVersionExact };
            using var response = await client.SendAsync(request);
            (await response.Content.ReadAsStringAsync()).Should().Be("{}");
        }

        inner.Versions.Should().Equal(HttpVersion.Version11);
        (await fetch.FetchAsync("https://partner.example/after", null, CancellationToken.None)).Status.Should().Be(200);
    }

    [Fact]
    public async Task OversizedRequestBodyIsRefusedBeforeSending()
    {
        var inner = new RecordingHandler();
        using var fetch = new FetchClient(new FetchClientOptions { Handler = inner, MaxRequestBodyBytes = 1024 });
        using var client = new HttpClient(fetch.CreateConnectorHandler()) { BaseAddress = new Uri("https://partner.example") };

        var send = () => client.PostAsync("/customers", new StringContent(new string('x', 2048)));

        (await send.Should().ThrowAsync<FetchLimitExceededException>()).Which.Setting.Should().Be("MaxRequestBodyBytes");
        inner.Versions.Should().BeEmpty();
    }

    private static async Task<HttpResponseMessage> SendInScopeAsync(HttpClient client, CancellationToken invocation, HttpRequestMessage request)
    {
        InvocationScope.Current = new InvocationScope(invocation);
        return await client.SendAsync(request);
    }

    private sealed class RecordingHandler : HttpMessageHandler
    {
        public bool Hang { get; init; }

        public TaskCompletionSource Started { get; } = new(TaskCreationOptions.RunContinuationsAsynchronously);

        public List<Version> Versions { get; } = [];

        public bool SawCancellation { get; private set; }

        protected override async Task<HttpResponseMessage> SendAsync(HttpRequestMessage request, CancellationToken cancellationToken)
        {
            lock (Versions)
            {
                Versions.Add(request.Version);
            }

            Started.TrySetResult();
            if (Hang)
            {
                try
                {
                    await Task.Delay(Timeout.Infinite, cancellationToken);
                }
                catch (OperationCanceledException)
                {
                    SawCancellation = true;
                    throw;
                }
            }

            return new HttpResponseMessage(HttpStatusCode.OK) { Content = new StringContent("{}") };
        }
    }
}
