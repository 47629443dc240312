using Microsoft.CodeAnalysis;
using Microsoft.CodeAnalysis.Operations;

namespace WalletCrew.Plugins.Engine.Policy;

/// <summary>Walks the operations of the user's code and judges every symbol they use, the compiler's implicit calls included.</summary>
internal sealed class PolicyOperationWalker : OperationWalker
{
    private readonly SemanticModel _model;
    private readonly SymbolJudge _judge;
    private readonly ViolationCollector _violations;
    private readonly CancellationToken _cancellationToken;

    // Where the list opens all of System.Type (reflection, a test's widened policy), where a Type came from no longer matters.
    private readonly bool _typeSourcesJudged;

    public PolicyOperationWalker(SemanticModel model, SymbolJudge judge, ViolationCollector violations, CancellationToken cancellationToken)
    {
        _model = model;
        _judge = judge;
        _violations = violations;
        _cancellationToken = cancellationToken;
        _typeSourcesJudged = model.Compilation.GetTypeByMetadataName("System.Type") is not { } type || !judge.AllowsEveryMemberOf(type);
    }

    public override void Visit(IOperation? operation)
    {
        if (operation is null)
        {
            return;
        }

        _cancellationToken.ThrowIfCancellationRequested();
        Inspect(operation);
        base.Visit(operation);
    }

    // nameof(File.ReadAllText) only produces a string; its argument is never evaluated.
    public override void VisitNameOf(INameOfOperation operation)
    {
    }

    private void Inspect(IOperation operation)
    {
        switch (operation)
        {
            case IInvocationOperation invocation:
                Member(invocation.TargetMethod, operation, implicitUse: operation.IsImplicit);
                TypeSource(invocation.TargetMethod, invocation.TargetMethod.OriginalDefinition.ReturnType, operation);
                break;
            case IObjectCreationOperation creation when !IsBannedAttribute(creation):
                Member((ISymbol?)creation.Constructor ?? creation.Type, operation, implicitUse: operation.IsImplicit);
                break;
            case IMethodReferenceOperation reference:
                Member(reference.Method, operation);
                TypeSource(reference.Method, reference.Method.OriginalDefinition.ReturnType, operation);
                break;
            case IPropertyReferenceOperation property:
                PropertyAccess(property);
                TypeSource(property.Property, property.Property.OriginalDefinition.Type, operation);
                break;
            case IFieldReferenceOperation field:
                Member(field.Field, operation);
                TypeSource(field.Field, field.Field.OriginalDefinition.Type, operation);
                break;
            case IParameterReferenceOperation parameter when _typeSourcesJudged && CarriesType(parameter.Parameter.Type):
                // Whoever calls the method chooses it: the framework, for an override, an interface's method or a delegate.
                _violations.Add(new Denial(parameter.Parameter, DenialKind.TypeOfUnknownOrigin), operation.Syntax);
                break;
            case IEventReferenceOperation eventReference:
                Member(eventReference.Event, operation);
                break;
            case IDelegateCreationOperation or IArrayCreationOperation or IDeclarationExpressionOperation or IDefaultValueOperation:
                Type(operation.Type, operation);
                break;
            case IVariableDeclaratorOperation declarator:
                Type(declarator.Symbol.Type, operation);
                break;
            case ITypeOfOperation typeOf:
                // A System.Type can only come from typeof, and what takes one (serializers, [JsonSerializable]) may construct it.
                Type(typeOf.TypeOperand, operation);
                Constructed(typeOf.TypeOperand, operation);
                break;
            case ISizeOfOperation sizeOf:
                Type(sizeOf.TypeOperand, operation);
                break;
            case IIsTypeOperation isType:
                Type(isType.TypeOperand, operation);
                break;
            case IPatternOperation pattern:
                Pattern(pattern);
                break;
            case IBinaryOperation { OperatorMethod: { } method }:
                Member(method, operation);
                break;
            case IUnaryOperation { OperatorMethod: { } method }:
                Member(method, operation);
                break;
            case ICompoundAssignmentOperation { OperatorMethod: { } method }:
                Member(method, operation);
                break;
            case IIncrementOrDecrementOperation { OperatorMethod: { } method }:
                Member(method, operation);
                break;
            case IConversionOperation conversion:
                Conversion(conversion);
                break;
            case IForEachLoopOperation:
                Implicit(ImplicitCalls.ForEach(_model, operation.Syntax), operation);
                break;
            case IAwaitOperation:
                Implicit(ImplicitCalls.Await(_model, operation.Syntax), operation);
                break;
            case IDeconstructionAssignmentOperation:
                Implicit(ImplicitCalls.Deconstruction(_model, operation.Syntax), operation);
                break;
            case ICollectionExpressionOperation { ConstructMethod: { } construct }:
                Member(construct, operation);
                break;
            case IImplicitIndexerReferenceOperation indexer:
                Member(indexer.LengthSymbol, operation);
                Member(indexer.IndexerSymbol, operation);
                break;
            case IWithOperation { CloneMethod: { } clone }:
                Member(clone, operation);
                break;
            case IAnonymousFunctionOperation lambda:
                Lambda(lambda);
                break;
            case IDynamicInvocationOperation or IDynamicMemberReferenceOperation or IDynamicObjectCreationOperation
                or IDynamicIndexerAccessOperation:
                _violations.Add(new Denial(null, DenialKind.Dynamic), operation.Syntax);
                break;
            case IFunctionPointerInvocationOperation or IAddressOfOperation:
                _violations.Add(PolicyMessages.UnsafeCode(operation.Syntax.ToString(), operation.Syntax.GetLocation()));
                break;
            case IInvalidOperation:
                _violations.Add(new Denial(null, DenialKind.Unresolved), operation.Syntax);
                break;
        }
    }

    private void PropertyAccess(IPropertyReferenceOperation reference)
    {
        var property = reference.Property;
        var (read, write) = Access(reference);
        if (read)
        {
            Member((ISymbol?)property.GetMethod ?? property, reference);
        }

        if (write)
        {
            Member((ISymbol?)property.SetMethod ?? property, reference);
        }
    }

    private static (bool Read, bool Write) Access(IOperation reference) => reference.Parent switch
    {
        ISimpleAssignmentOperation assignment when assignment.Target == reference => (false, true),
        ICompoundAssignmentOperation compound when compound.Target == reference => (true, true),
        ICoalesceAssignmentOperation coalesce when coalesce.Target == reference => (true, true),
        IIncrementOrDecrementOperation => (true, true),
        ITupleOperation tuple when tuple.Parent is IDeconstructionAssignmentOperation deconstruction
            && deconstruction.Target == tuple => (false, true),
        _ => (true, false),
    };

    private void Pattern(IPatternOperation pattern)
    {
        switch (pattern)
        {
            case IDeclarationPatternOperation declaration:
                Type(declaration.MatchedType, pattern);
                break;
            case ITypePatternOperation type:
                Type(type.MatchedType, pattern);
                break;
            case IRecursivePatternOperation recursive:
                Type(recursive.MatchedType, pattern);
                Member(recursive.DeconstructSymbol, pattern, allowNull: true);
                break;
        }
    }

    private void Conversion(IConversionOperation conversion)
    {
        if (conversion.OperatorMethod is { } method)
        {
            Member(method, conversion);
        }

        if (conversion.Type is IDynamicTypeSymbol)
        {
            _violations.Add(new Denial(conversion.Type, DenialKind.Dynamic), conversion.Syntax);
        }
    }

    private void Lambda(IAnonymousFunctionOperation lambda)
    {
        if (lambda.Symbol is { IsAsync: true, ReturnsVoid: true })
        {
            _violations.Add(PolicyMessages.AsyncVoid("async void lambda", lambda.Syntax.GetLocation()));
        }

        foreach (var parameter in lambda.Symbol.Parameters)
        {
            Type(parameter.Type, lambda);
        }
    }

    private void Implicit(IEnumerable<ISymbol?> members, IOperation operation)
    {
        foreach (var member in members)
        {
            if (member is not null && _judge.Member(member, implicitUse: true) is { } denial)
            {
                _violations.Add(denial, operation.Syntax);
            }
        }
    }

    // implicitUse: the compiler made the call for a language construct ($"..." building its handler), not the source.
    private void Member(ISymbol? symbol, IOperation operation, bool allowNull = false, bool implicitUse = false)
    {
        if ((symbol is not null || !allowNull) && _judge.Member(symbol, implicitUse) is { } denial)
        {
            _violations.Add(denial, operation.Syntax);
        }
    }

    // A System.Type can come only from typeof, which names and judges it (see ITypeOfOperation above): a framework member
    // that returns one (JsonConverter<T>.Type) hands out a type no typeof named, and a serializer given it constructs it.
    // Judged by the member's declared type, so a List<Type> of typeof's results still reads.
    private void TypeSource(ISymbol member, ITypeSymbol declared, IOperation operation)
    {
        if (_typeSourcesJudged && !_judge.IsSource(member) && member is not IMethodSymbol { MethodKind: MethodKind.DelegateInvoke } && CarriesType(declared))
        {
            _violations.Add(new Denial(member, DenialKind.TypeOfUnknownOrigin), operation.Syntax);
        }
    }

    private static bool CarriesType(ITypeSymbol type) => type switch
    {
        IArrayTypeSymbol array => CarriesType(array.ElementType),
        INamedTypeSymbol named => IsSystemType(named) || named.TypeArguments.Any(CarriesType),
        _ => false,
    };

    private static bool IsSystemType(INamedTypeSymbol type)
    {
        for (var current = type; current is not null; current = current.BaseType)
        {
            if (current is { Name: "Type", ContainingNamespace: { Name: "System", ContainingNamespace.IsGlobalNamespace: true } })
            {
                return true;
            }
        }

        return false;
    }

    private void Type(ITypeSymbol? type, IOperation operation)
    {
        if (type is not null && _judge.Type(type) is { } denial)
        {
            _violations.Add(denial, operation.Syntax);
        }
    }

    private void Constructed(ITypeSymbol type, IOperation operation)
    {
        if (_judge.Construction.Constructible(type) is { } denial)
        {
            _violations.Add(denial, operation.Syntax);
        }
    }

    private static bool IsBannedAttribute(IObjectCreationOperation creation) =>
        creation.Parent is IAttributeOperation && DeclarationChecker.IsDeclarationBannedAttribute(creation.Type);
}
