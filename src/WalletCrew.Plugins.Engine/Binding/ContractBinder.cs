using System.Text.Json.Nodes;

namespace WalletCrew.Plugins.Engine.Binding;

/// <summary>
/// Binds one <c>Register(key, implementation)</c> call to the typed contract, once, at load time: a typed implementation,
/// a <see cref="Hooks"/> map or dictionary, or an object whose properties are delegates. Never throws for user mistakes.
/// </summary>
internal static class ContractBinder
{
    public static BindOutcome Bind(string? key, object? implementation, string source)
    {
        var (parsed, keyError) = RegistrationKey.Parse(key);
        if (keyError is not null)
        {
            return BindOutcome.Failed(keyError);
        }

        if (implementation is null)
        {
            return BindOutcome.Failed(new BindError(BindingCodes.UnsupportedImplementation, $"The implementation registered under '{key}' is null."));
        }

        return parsed!.Kind switch
        {
            RegistrationKind.PassUpdater => BindPassUpdater(implementation, source),
            RegistrationKind.EmailEngine => BindEmailSender(implementation, source),
            _ => BindCustomerProvider(implementation, parsed.ProviderName!, key!, source),
        };
    }

    private static BindOutcome BindPassUpdater(object implementation, string source)
    {
        if (implementation is IPassUpdater typed)
        {
            return new(new BoundPassUpdater(source, typed.OnPassInstalledAsync, typed.OnPassUninstalledAsync), null, []);
        }

        var (members, errors) = ReadMembers(implementation, RegistrationKeys.PassUpdater, Contracts.PassUpdaterMembers, nameof(IPassUpdater));
        var bound = new Dictionary<string, Func<PassInstallationEvent, CancellationToken, Task>>(StringComparer.OrdinalIgnoreCase);
        foreach (var (member, function) in members)
        {
            var (adapter, error) = DelegateAdapterFactory.ForHook(member, function);
            if (error is not null)
            {
                errors.Add(error);
            }
            else
            {
                bound[member.Name] = adapter!;
            }
        }

        if (errors.Count > 0)
        {
            return BindOutcome.Failed([.. errors]);
        }

        return new(
            new BoundPassUpdater(
                source,
                bound.GetValueOrDefault(Contracts.OnPassInstalled.Name, NoOp),
                bound.GetValueOrDefault(Contracts.OnPassUninstalled.Name, NoOp)),
            null,
            []);
    }

    private static BindOutcome BindCustomerProvider(object implementation, string name, string key, string source)
    {
        if (implementation is ICustomerProvider typed)
        {
            return new(null, new BoundCustomerProvider(source, name, async (request, token) => (await typed.FillAsync(request, token).ConfigureAwait(false)).Data), []);
        }

        var (members, errors) = ReadMembers(implementation, key, Contracts.CustomerProviderMembers, nameof(ICustomerProvider));
        Func<FillRequest, CancellationToken, Task<JsonObject>>? fill = null;
        foreach (var (member, function) in members)
        {
            var (adapter, error) = DelegateAdapterFactory.ForFill(member, function);
            if (error is not null)
            {
                errors.Add(error);
            }
            else
            {
                fill = adapter;
            }
        }

        if (errors.Count == 0 && fill is null)
        {
            errors.Add(new BindError(BindingCodes.MissingMember, $"The customer provider '{name}' has no 'Fill' function."));
        }

        return errors.Count > 0 ? BindOutcome.Failed([.. errors]) : new(null, new BoundCustomerProvider(source, name, fill!), []);
    }

    private static BindOutcome BindEmailSender(object implementation, string source)
    {
        if (implementation is IEmailSender typed)
        {
            return new(null, null, [], new BoundEmailSender(source, typed.SendEmailAsync));
        }

        var (members, errors) = ReadMembers(implementation, RegistrationKeys.EmailEngine, Contracts.EmailEngineMembers, nameof(IEmailSender));
        Func<EmailRequest, CancellationToken, Task>? send = null;
        foreach (var (member, function) in members)
        {
            var (adapter, error) = DelegateAdapterFactory.ForAction<EmailRequest>(member, function);
            if (error is not null)
            {
                errors.Add(error);
            }
            else
            {
                send = adapter;
            }
        }

        if (errors.Count == 0 && send is null)
        {
            errors.Add(new BindError(BindingCodes.MissingMember, $"The email sender registered under '{RegistrationKeys.EmailEngine}' has no 'SendEmail' function."));
        }

        return errors.Count > 0 ? BindOutcome.Failed([.. errors]) : new(null, null, [], new BoundEmailSender(source, send!));
    }

    private static (List<(ContractMember Member, Delegate Function)> Members, List<BindError> Errors) ReadMembers(
        object implementation, string key, IReadOnlyList<ContractMember> contract, string typedContract)
    {
        var (read, readErrors) = MemberSetReader.Read(implementation, key);
        var errors = new List<BindError>(readErrors);
        var members = new List<(ContractMember, Delegate)>();
        if (read.Count == 0 && errors.Count == 0)
        {
            errors.Add(new BindError(
                BindingCodes.UnsupportedImplementation,
                $"{TypeNames.Of(implementation.GetType())} cannot be registered under '{key}': implement {typedContract} or give its functions ({string.Join(", ", contract.Select(m => m.Name))})."));
        }

        foreach (var (name, function) in read)
        {
            var member = contract.FirstOrDefault(m => string.Equals(m.Name, name, StringComparison.OrdinalIgnoreCase));
            if (member is null)
            {
                var names = contract.Select(m => m.Name).ToList();
                errors.Add(new BindError(
                    BindingCodes.UnknownMember,
                    $"'{name}' is not a member of '{key}'.{Suggestions.DidYouMean(name, names)} Members: {string.Join(", ", names)}.",
                    name));
                continue;
            }

            members.Add((member, function));
        }

        return (members, errors);
    }

    private static Task NoOp(PassInstallationEvent e, CancellationToken cancellationToken) => Task.CompletedTask;
}
