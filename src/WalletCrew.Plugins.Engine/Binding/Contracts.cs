using System.Linq.Expressions;
using System.Reflection;
using System.Text.Json;

namespace WalletCrew.Plugins.Engine.Binding;

/// <summary>The documented members of each registration point, with their JavaScript-style parameters.</summary>
internal static class Contracts
{
    public static readonly ContractMember OnPassInstalled = new("OnPassInstalled", typeof(PassInstallationEvent), HookParameters());

    public static readonly ContractMember OnPassUninstalled = new("OnPassUninstalled", typeof(PassInstallationEvent), HookParameters());

    public static readonly ContractMember Fill = new("Fill", typeof(FillRequest),
    [
        new("passId", typeof(string), input => Expression.Property(input, nameof(FillRequest.PassId))),
        new("passType", typeof(string), input => Expression.Property(input, nameof(FillRequest.PassType))),
        new("identifiers", typeof(IReadOnlyDictionary<string, string>), input => Expression.Property(input, nameof(FillRequest.Identifiers))),
        new("data", typeof(IReadOnlyDictionary<string, JsonElement>), input => Expression.Property(input, nameof(FillRequest.Data))),
    ]);

    public static readonly ContractMember SendEmail = new("SendEmail", typeof(EmailRequest),
    [
        new("recipient", typeof(string), input => Expression.Property(input, nameof(EmailRequest.Recipient))),
        new("emailTemplate", typeof(string), input => Expression.Property(input, nameof(EmailRequest.EmailTemplate))),
        new("data", typeof(IReadOnlyDictionary<string, JsonElement>), input => Expression.Property(input, nameof(EmailRequest.Data))),
        new(
            "cultures",
            typeof(IReadOnlyList<string>),
            input => Expression.Property(input, nameof(EmailRequest.Cultures)),
            new Dictionary<Type, Func<Expression, Expression>>
            {
                [typeof(string[])] = input => Expression.Call(typeof(Enumerable), nameof(Enumerable.ToArray), [typeof(string)], Expression.Property(input, nameof(EmailRequest.Cultures))),
            }),
        new("buildEmail", typeof(Func<string, Task<EmailContent>>), input => Expression.Property(input, typeof(EmailRequest).GetProperty(nameof(EmailRequest.BuildEmail), BindingFlags.NonPublic | BindingFlags.Instance)!)),
    ]);

    public static readonly IReadOnlyList<ContractMember> PassUpdaterMembers = [OnPassInstalled, OnPassUninstalled];

    public static readonly IReadOnlyList<ContractMember> CustomerProviderMembers = [Fill];

    public static readonly IReadOnlyList<ContractMember> EmailEngineMembers = [SendEmail];

    private static IReadOnlyList<ContractParameter> HookParameters() =>
    [
        new("passId", typeof(string), input => Expression.Property(input, nameof(PassInstallationEvent.PassId))),
        new("passType", typeof(string), input => Expression.Property(input, nameof(PassInstallationEvent.PassType))),
        new("identifiers", typeof(IReadOnlyDictionary<string, string>), input => Expression.Property(input, nameof(PassInstallationEvent.Identifiers))),
        new(
            "device",
            typeof(Device),
            input => Expression.Property(input, nameof(PassInstallationEvent.Device)),
            new Dictionary<Type, Func<Expression, Expression>>
            {
                [typeof(string)] = input => Expression.Call(typeof(DeviceNames), nameof(DeviceNames.ToWire), null, Expression.Property(input, nameof(PassInstallationEvent.Device))),
            }),
        new("additionalInformation", typeof(AdditionalPassInstallationInformation), input => Expression.Property(input, nameof(PassInstallationEvent.AdditionalInformation))),
    ];
}
