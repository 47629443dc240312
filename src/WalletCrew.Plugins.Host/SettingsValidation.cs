using System.ComponentModel.DataAnnotations;
using System.Globalization;
using System.Reflection;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Options;

namespace WalletCrew.Plugins.Host;

/// <summary>
/// Validates a settings section on start: its properties' <see cref="RangeAttribute"/> and <see
/// cref="RegularExpressionAttribute"/>, and its own <see cref="IValidatableObject"/> rules. Each failure names the key an
/// operator sets (<c>WalletCrew:Engine:WorkerCpuCores is 2000; it must be between 0 and 1024.</c>), where the runtime's
/// data-annotations validator named the class and its member.
/// </summary>
internal static class SettingsValidation
{
    /// <summary>Validates the options bound from <paramref name="section"/> on start, naming its keys.</summary>
    public static OptionsBuilder<T> ValidateSettings<T>(this OptionsBuilder<T> builder, string section)
        where T : class
    {
        builder.Services.AddSingleton<IValidateOptions<T>>(new Validator<T>(section));
        return builder.ValidateOnStart();
    }

    /// <summary>Returns what is wrong with <paramref name="settings"/>, each message naming its key under <paramref name="section"/>.</summary>
    private static List<string> Failures(object settings, string section)
    {
        var failures = new List<string>();
        foreach (var property in settings.GetType().GetProperties(BindingFlags.Public | BindingFlags.Instance))
        {
            var value = property.GetValue(settings);
            foreach (var rule in property.GetCustomAttributes<ValidationAttribute>().Where(rule => !rule.IsValid(value)))
            {
                var key = $"{section}:{property.Name}";
                failures.Add(rule switch
                {
                    RangeAttribute range => string.Create(CultureInfo.InvariantCulture, $"{key} is {value}; it must be between {range.Minimum} and {range.Maximum}."),
                    { ErrorMessage: { } message } => message,
                    _ => $"{key} is '{value}': {rule.FormatErrorMessage(key)}",
                });
            }
        }

        if (settings is IValidatableObject validatable)
        {
            failures.AddRange(validatable.Validate(new ValidationContext(settings)).Select(result => result.ErrorMessage ?? section));
        }

        return failures;
    }

    private sealed class Validator<T>(string section) : IValidateOptions<T>
        where T : class
    {
        public ValidateOptionsResult Validate(string? name, T options) =>
            Failures(options, section) is { Count: > 0 } failures ? ValidateOptionsResult.Fail(failures) : ValidateOptionsResult.Success;
    }
}
