using System.Data.Common;

namespace WalletCrew.Plugins.Host.Store;

/// <summary>Adds a parameter to a command of either store (the SQL written for both uses <c>@name</c>).</summary>
internal static class DbCommandParameters
{
    public static DbCommand AddValue(this DbCommand command, string name, object value)
    {
        var parameter = command.CreateParameter();
        parameter.ParameterName = name;
        parameter.Value = value;
        command.Parameters.Add(parameter);
        return command;
    }
}
