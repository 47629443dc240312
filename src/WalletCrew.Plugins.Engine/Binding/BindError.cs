namespace WalletCrew.Plugins.Engine.Binding;

/// <summary>A registration that cannot bind, with a hint at where in the source the problem is.</summary>
/// <param name="Code">The diagnostic code.</param>
/// <param name="Message">What is wrong and how to fix it.</param>
/// <param name="MemberName">The member name as written, when the problem is a member.</param>
/// <param name="FunctionName">The function's name, when the problem is one of its parameters or its return type.</param>
/// <param name="ParameterName">The parameter's name, when the problem is a parameter.</param>
internal sealed record BindError(string Code, string Message, string? MemberName = null, string? FunctionName = null, string? ParameterName = null);
