using System.Data.Common;
using Microsoft.AspNetCore.Diagnostics;

namespace WalletCrew.Plugins.Host.Problems;

/// <summary>
/// Answers 503 with <c>Retry-After: 1</c> for any route whose store call threw a database error (the store is down,
/// unreachable or refused the write), instead of the 500 an unhandled exception gets: the caller retries, nothing was half
/// done (every store write is one transaction). Routes that promise 503 explicitly (ingest, the wallet routes) still
/// catch their own failures; this is the same answer for every other route.
/// </summary>
internal sealed class StoreFailureHandler(IProblemDetailsService problems, ILogger<StoreFailureHandler> logger) : IExceptionHandler
{
    public async ValueTask<bool> TryHandleAsync(HttpContext httpContext, Exception exception, CancellationToken cancellationToken)
    {
        if (!IsStoreFailure(exception) || httpContext.Response.HasStarted)
        {
            return false;
        }

        logger.LogWarning(exception, "The event store failed during {Method} {Path}; answered 503.", httpContext.Request.Method, httpContext.Request.Path);
        httpContext.Response.StatusCode = StatusCodes.Status503ServiceUnavailable;
        httpContext.Response.Headers.RetryAfter = "1";
        return await problems.TryWriteAsync(new ProblemDetailsContext
        {
            HttpContext = httpContext,
            Exception = exception,
            ProblemDetails = { Status = StatusCodes.Status503ServiceUnavailable, Title = "The event store is unavailable", Detail = "Nothing was changed; retry the request." },
        }).ConfigureAwait(false);
    }

    private static bool IsStoreFailure(Exception exception) =>
        exception is DbException || exception.InnerException is DbException;
}
