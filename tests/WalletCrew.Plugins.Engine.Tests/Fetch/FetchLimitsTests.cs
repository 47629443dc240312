using Microsoft.AspNetCore.Http;
using Microsoft.Extensions.Time.Testing;
using WalletCrew.Plugins.Engine.Fetch;
using WalletCrew.Plugins.Engine.Limits;
using WalletCrew.Plugins.Engine.Tests.Support;

namespace WalletCrew.Plugins.Engine.Tests.Fetch;

public sealed class FetchLimitsTests : IAsyncLifetime
{
    private readonly FakeTimeProvider _time = new();
    private FetchClient _client = null!;
    private PartnerStub _stub = null!;

    public async Task InitializeAsync()
    {
        _stub = await PartnerStub.StartAsync();
        _client = new FetchClient(new FetchClientOptions { AllowLoopback = true, TimeProvider = _time });
    }

    public async Task DisposeAsync()
    {
        _client.Dispose();
        await _stub.DisposeAsync();
    }

    [Fact]
    public async Task RequestBodyOverTheLimitIsRefusedBeforeAnythingIsSent()
    {
        var url = _stub.BaseAddress + "/upload";

        var act = () => _client.FetchAsync(url, new { Method = "POST", Body = new string('a', 300 * 1024) }, CancellationToken.None);

        var thrown = await act.Should().ThrowAsync<FetchLimitExceededException>().WithMessage(
            $"The request body of POST {url} is 307,200 bytes, over the limit of 262,144 bytes (256 KiB); nothing was sent. "
            + "Send less, or raise `limits.requestBodyBytes` in tenant.json within the host's maximum.");
        thrown.Which.Should().BeAssignableTo<LimitExceededException>().Which
            .Should().BeEquivalentTo(new { Limit = 262_144L, Used = 307_200L, Setting = "limits.requestBodyBytes" });
        _stub.Requests.Should().BeEmpty();
    }

    [Fact]
    public async Task RequestBodyAtTheLimitIsSent()
    {
        await _client.FetchAsync(_stub.BaseAddress, new { Method = "POST", Body = new string('a', 256 * 1024) }, CancellationToken.None);

        _stub.Requests.Single().Body.Should().HaveLength(256 * 1024);
    }

    [Fact]
    public async Task StreamedResponseOverTheLimitStopsReadingOneBytePastIt()
    {
        _stub.Handler = async context =>
        {
            var chunk = new byte[64 * 1024];
            for (var i = 0; i < 32 && !context.RequestAborted.IsCancellationRequested; i++)
            {
                await context.Response.Body.WriteAsync(chunk, context.RequestAborted);
            }
        };
        var url = _stub.BaseAddress + "/export";

        var act = () => _client.FetchAsync(url, null, CancellationToken.None);

        var thrown = await act.Should().ThrowAsync<FetchLimitExceededException>().WithMessage(
            $"The response body of GET {url} is over the limit of 1,048,576 bytes (1 MiB); reading stopped after 1,048,577 bytes. "
            + "Ask the partner for less (paging, filters), or raise `limits.responseBodyBytes` in tenant.json within the host's maximum.");
        thrown.Which.Should().BeEquivalentTo(new { Limit = 1_048_576L, Used = 1_048_577L, Setting = "limits.responseBodyBytes" });
    }

    [Fact]
    public async Task DeclaredResponseLengthOverTheLimitFailsWithoutReading()
    {
        _stub.Handler = async context =>
        {
            context.Response.ContentLength = 2 * 1024 * 1024;
            await context.Response.Body.WriteAsync(new byte[2 * 1024 * 1024], context.RequestAborted);
        };
        var url = _stub.BaseAddress + "/export";

        var act = () => _client.FetchAsync(url, null, CancellationToken.None);

        await act.Should().ThrowAsync<FetchLimitExceededException>().WithMessage(
            $"The response body of GET {url} declares 2,097,152 bytes, over the limit of 1,048,576 bytes (1 MiB); it was not read. "
            + "Ask the partner for less (paging, filters), or raise `limits.responseBodyBytes` in tenant.json within the host's maximum.");
    }

    [Fact]
    public async Task TimeoutOptionEndsASlowCallWithANamedTimeout()
    {
        var received = new TaskCompletionSource(TaskCreationOptions.RunContinuationsAsynchronously);
        _stub.Handler = async context =>
        {
            received.SetResult();
            await Task.Delay(Timeout.InfiniteTimeSpan, context.RequestAborted).ContinueWith(_ => { }, TaskScheduler.Default);
        };
        var url = _stub.BaseAddress + "/slow";

        var call = _client.FetchAsync(url, new { Timeout = 2000 }, CancellationToken.None);
        await received.Task.WaitAsync(TimeSpan.FromSeconds(30));
        _time.Advance(TimeSpan.FromSeconds(2));

        await call.Invoking(c => c).Should().ThrowAsync<TimeoutException>()
            .WithMessage($"GET {url} did not complete within 2 s (the fetch `Timeout` option).");
    }

    [Fact]
    public async Task CallerCancellationIsNotReportedAsATimeout()
    {
        var received = new TaskCompletionSource(TaskCreationOptions.RunContinuationsAsynchronously);
        _stub.Handler = async context =>
        {
            received.SetResult();
            await Task.Delay(Timeout.InfiniteTimeSpan, context.RequestAborted).ContinueWith(_ => { }, TaskScheduler.Default);
        };
        using var caller = new CancellationTokenSource();

        var call = _client.FetchAsync(_stub.BaseAddress, new FetchOptions { Timeout = TimeSpan.FromMinutes(1) }, caller.Token);
        await received.Task.WaitAsync(TimeSpan.FromSeconds(30));
        await caller.CancelAsync();

        await call.Invoking(c => c).Should().ThrowAsync<OperationCanceledException>();
    }
}
