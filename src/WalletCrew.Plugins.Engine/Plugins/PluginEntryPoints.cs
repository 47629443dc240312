namespace WalletCrew.Plugins.Engine.Plugins;

/// <summary>
/// Registers a plugin's connectors: every public <see cref="IConnectorModule"/> registers what it wants; without a module,
/// each public class implementing a contract is created and registered under its key.
/// </summary>
internal static class PluginEntryPoints
{
    /// <summary>Runs the registration; problems come back as diagnostics, never as exceptions.</summary>
    public static List<ConnectorDiagnostic> Register(string displayPath, IEnumerable<Type> exportedTypes, IConnectorContext context)
    {
        var candidates = exportedTypes
            .Where(t => t.IsClass && !t.IsAbstract && !t.ContainsGenericParameters)
            .OrderBy(t => t.FullName, StringComparer.Ordinal)
            .ToList();
        var modules = candidates.Where(typeof(IConnectorModule).IsAssignableFrom).ToList();
        var contracts = candidates.Where(t => typeof(IPassUpdater).IsAssignableFrom(t) || typeof(ICustomerProvider).IsAssignableFrom(t) || typeof(IEmailSender).IsAssignableFrom(t)).ToList();
        if (modules.Count == 0 && contracts.Count == 0)
        {
            return [PluginMessages.NoEntryPoint(displayPath)];
        }

        var diagnostics = new List<ConnectorDiagnostic>();
        foreach (var type in modules.Count > 0 ? modules : contracts)
        {
            var instance = Create(displayPath, type, modules.Count > 0 ? null : context, diagnostics);
            if (instance is null)
            {
                continue;
            }

            try
            {
                if (instance is IConnectorModule module)
                {
                    module.Register(context);
                }
                else
                {
                    RegisterContracts(instance, type, context);
                }
            }
            catch (Exception exception) when (exception is not OutOfMemoryException)
            {
                diagnostics.Add(PluginMessages.RegisterFailed(displayPath, type, exception));
            }
        }

        return diagnostics;
    }

    // A customer provider implemented directly is named after its class: runtime.scriptable.customerProvider.<TypeName>. A
    // class implementing several contracts is registered under each.
    private static void RegisterContracts(object instance, Type type, IConnectorContext context)
    {
        if (instance is IPassUpdater)
        {
            context.Register(RegistrationKeys.PassUpdater, instance);
        }

        if (instance is ICustomerProvider)
        {
            context.Register(RegistrationKeys.CustomerProvider(type.Name), instance);
        }

        if (instance is IEmailSender)
        {
            context.Register(RegistrationKeys.EmailEngine, instance);
        }
    }

    /// <summary>Creates a module with its parameterless constructor, a contract class with one taking the context when it has one.</summary>
    private static object? Create(string displayPath, Type type, IConnectorContext? context, List<ConnectorDiagnostic> diagnostics)
    {
        var withContext = context is null ? null : type.GetConstructor([typeof(IConnectorContext)]);
        var parameterless = type.GetConstructor(Type.EmptyTypes);
        if (withContext is null && parameterless is null)
        {
            diagnostics.Add(PluginMessages.NoUsableConstructor(displayPath, type, module: context is null));
            return null;
        }

        try
        {
            return withContext is not null ? withContext.Invoke([context]) : parameterless!.Invoke(null);
        }
        catch (Exception exception) when (exception is not OutOfMemoryException)
        {
            diagnostics.Add(PluginMessages.CreateFailed(displayPath, type, exception));
            return null;
        }
    }
}
