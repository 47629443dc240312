using System.Reflection;
using Microsoft.Extensions.Logging;
using WalletCrew.Plugins.Engine.Compilation;
using WalletCrew.Plugins.Engine.Fetch;
using WalletCrew.Plugins.Engine.Invocation;
using WalletCrew.Plugins.Engine.Limits;
using WalletCrew.Plugins.Engine.Tenants;

namespace WalletCrew.Plugins.Engine.Loading;

/// <summary>
/// Loads a compiled script into its own collectible context, attaches its globals and runs its top-level code once,
/// binding every <c>Register</c> call it makes.
/// </summary>
internal sealed class ScriptConnectorLoader(FetchClient fetch, ConnectorEngineOptions options, TenantSettingsSource? settings = null)
{

    public ConnectorVersion Load(CompiledScript script)
    {
        var path = script.Source.DisplayPath;
        if (!script.Succeeded)
        {
            return ConnectorVersion.Failed(path, script.Diagnostics);
        }

        var locator = new RegistrationLocator(script);
        var collector = new RegistrationCollector(path, error => locator.Diagnostic(error, locator.LocateCaller()), options.Checkpoints);
        collector.Diagnostics.AddRange(script.Diagnostics);
        var hostLogger = options.LoggerFactory.CreateLogger("Tenant." + script.Source.TenantId);
        var context = new ConnectorContext(script.Source.TenantId, new TenantLogger(script.Source.TenantId, hostLogger), () => settings?.Fetch ?? fetch, options.Secrets, collector.Register);

        var loadContext = new ConnectorLoadContext($"{script.Source.TenantId}:{path}");
        var limits = settings?.Limits ?? InvocationLimits.From(options);
        var scope = new InvocationScope(CancellationToken.None, limits, settings?.SecretsRead);
        try
        {
            var assembly = loadContext.LoadFromStream(new MemoryStream(script.Image!));
            locator.Attach(assembly);
            Attach(assembly, context);
            RunTopLevelCode(assembly, scope, options.LoadTimeout);
        }
        catch (Exception exception) when (exception is not OutOfMemoryException)
        {
            collector.Diagnostics.Add(LoadError(script, exception));
        }
        finally
        {
            context.Seal();
        }

        if (collector.Diagnostics.Any(d => d.IsError))
        {
            loadContext.Unload();
            return ConnectorVersion.Failed(path, collector.Diagnostics, scope.Log);
        }

        collector.WarnIfEmpty();
        return new ConnectorVersion(
            path, new WeakReference(loadContext), loadContext.Unload, context, collector.PassUpdaters, collector.CustomerProviders, collector.EmailSenders, collector.Diagnostics, scope.Log);
    }

    private static void Attach(Assembly assembly, ConnectorContext context)
    {
        var globals = assembly.GetType(ScriptGlobalsSource.GlobalsTypeName, throwOnError: true)!;
        var attach = globals.GetMethod(ScriptGlobalsSource.AttachMethodName, BindingFlags.NonPublic | BindingFlags.Static)!;
        attach.Invoke(null, [context]);
    }

    private static void RunTopLevelCode(Assembly assembly, InvocationScope scope, TimeSpan timeout)
    {
        if (assembly.EntryPoint is not { } entry)
        {
            return; // no top-level code (an empty or declarations-only script): nothing to run, nothing registered
        }

        var asyncMain = entry.DeclaringType?.GetMethod("<Main>$", BindingFlags.NonPublic | BindingFlags.Static);
        var main = asyncMain ?? entry;
        object?[]? arguments = main.GetParameters().Length == 0 ? null : [Array.Empty<string>()];

        // Run on a fresh async flow: the scope and anything the script sets in the ExecutionContext stay out of the host's threads.
        var run = Task.Run(async () =>
        {
            InvocationScope.Current = scope;
            var budget = new ExecutionBudget(timeout, setting: LimitMessages.LoadTimeoutSetting);
            ConnectorCheckpoint.Budget = budget;
            try
            {
                if (main.Invoke(null, arguments) is Task task)
                {
                    await task.ConfigureAwait(false);
                }
            }
            finally
            {
                budget.End(); // what the top-level code left running stops with it
            }
        });
        // The checkpoints stop a runaway loop right at the deadline; a moment's grace lets their error, with its line, win.
        if (!run.Wait(timeout) && !run.Wait(ExecutionBudget.CheckpointGrace))
        {
            throw new TimeoutException($"The connector's top-level code did not finish within {timeout.TotalSeconds:0.#} s (limit: LoadTimeout).");
        }
    }

    private static ConnectorDiagnostic LoadError(CompiledScript script, Exception exception)
    {
        exception = ExceptionDescriber.Unwrap(exception);
        var location = ExceptionDescriber.Location(exception);
        var (line, column) = location is null ? (0, 0) : script.Map.ToOriginal(location.Value.Line, location.Value.Column);
        return new ConnectorDiagnostic(script.Source.DisplayPath, line, column, ConnectorDiagnosticSeverity.Error, LoadCodes.LoadFailed,
            TenantText.Clean($"The connector's top-level code failed: {exception.GetType().Name}: {ExceptionDescriber.MessageOf(exception)}"));
    }
}
