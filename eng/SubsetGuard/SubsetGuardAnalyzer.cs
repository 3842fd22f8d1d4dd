using System.Collections.Generic;
using System.Collections.Immutable;
using System.Linq;
using Microsoft.CodeAnalysis;
using Microsoft.CodeAnalysis.CSharp;
using Microsoft.CodeAnalysis.CSharp.Syntax;
using Microsoft.CodeAnalysis.Diagnostics;
using Microsoft.CodeAnalysis.Operations;

namespace AssetMeter.SubsetGuard
{
    /// <summary>
    /// Fails the host build of a portable library when its code leaves the nanoFramework stable subset.
    /// Two layers: construct rules (generics, tuples, async, LINQ, ...) that hold everywhere, and an
    /// allow-list of framework members (see <see cref="ApiAllowList"/>) so that a desktop-only member is
    /// caught even when nobody thought to ban it.
    /// </summary>
    [DiagnosticAnalyzer(LanguageNames.CSharp)]
    public sealed class SubsetGuardAnalyzer : DiagnosticAnalyzer
    {
        /// <summary>Assembly metadata key that marks a library as portable (see eng/Portable.props).</summary>
        public const string PortableMarker = "AssetMeter.Portable";

        public override ImmutableArray<DiagnosticDescriptor> SupportedDiagnostics { get; } = ImmutableArray.Create(
            Rules.Generic, Rules.NullableValueType, Rules.Tuple, Rules.Record, Rules.Async, Rules.Linq,
            Rules.Decimal, Rules.MultidimensionalArray, Rules.MissingApi, Rules.CultureFormatting,
            Rules.EnumToString, Rules.LanguageFeature);

        public override void Initialize(AnalysisContext context)
        {
            context.ConfigureGeneratedCodeAnalysis(GeneratedCodeAnalysisFlags.None);
            context.EnableConcurrentExecution();
            context.RegisterCompilationStartAction(start =>
            {
                var allowList = ApiAllowList.Load(start.Options, start.CancellationToken);
                var checker = new Checker(start.Compilation, allowList);

                start.RegisterSyntaxNodeAction(checker.AnalyzeSyntax,
                    SyntaxKind.TypeParameterList, SyntaxKind.NullableType, SyntaxKind.TupleType,
                    SyntaxKind.TupleExpression, SyntaxKind.RecordDeclaration, SyntaxKind.RecordStructDeclaration,
                    SyntaxKind.QueryExpression, SyntaxKind.UsingDirective, SyntaxKind.AwaitExpression,
                    SyntaxKind.MethodDeclaration, SyntaxKind.LocalFunctionStatement,
                    SyntaxKind.ParenthesizedLambdaExpression, SyntaxKind.SimpleLambdaExpression,
                    SyntaxKind.AnonymousMethodExpression, SyntaxKind.StackAllocArrayCreationExpression,
                    SyntaxKind.ImplicitStackAllocArrayCreationExpression, SyntaxKind.YieldReturnStatement,
                    SyntaxKind.YieldBreakStatement, SyntaxKind.CatchFilterClause, SyntaxKind.InitAccessorDeclaration,
                    SyntaxKind.PointerType, SyntaxKind.UnsafeStatement, SyntaxKind.FixedStatement,
                    SyntaxKind.ArrayRankSpecifier, SyntaxKind.PredefinedType,
                    SyntaxKind.NumericLiteralExpression, SyntaxKind.AnonymousObjectCreationExpression,
                    SyntaxKind.InterpolatedStringExpression, SyntaxKind.AddExpression);

                start.RegisterOperationAction(checker.AnalyzeOperation,
                    OperationKind.Invocation, OperationKind.ObjectCreation, OperationKind.PropertyReference,
                    OperationKind.FieldReference, OperationKind.EventReference, OperationKind.MethodReference,
                    OperationKind.Binary, OperationKind.Unary, OperationKind.Conversion, OperationKind.TypeOf,
                    OperationKind.VariableDeclarator, OperationKind.IsType, OperationKind.ArrayCreation,
                    OperationKind.DefaultValue, OperationKind.SizeOf);

                start.RegisterSymbolAction(checker.AnalyzeSymbol,
                    SymbolKind.NamedType, SymbolKind.Method, SymbolKind.Field, SymbolKind.Property, SymbolKind.Event);
            });
        }

        private sealed class Checker
        {
            private readonly Compilation _compilation;
            private readonly ApiAllowList _allowList;
            private readonly INamedTypeSymbol? _task;
            private readonly INamedTypeSymbol? _valueTask;
            private readonly INamedTypeSymbol? _formatProvider;
            private readonly INamedTypeSymbol? _cultureInfo;
            private readonly Dictionary<IAssemblySymbol, bool> _portableAssemblies = new Dictionary<IAssemblySymbol, bool>(SymbolEqualityComparer.Default);

            public Checker(Compilation compilation, ApiAllowList allowList)
            {
                _compilation = compilation;
                _allowList = allowList;
                _task = compilation.GetTypeByMetadataName("System.Threading.Tasks.Task");
                _valueTask = compilation.GetTypeByMetadataName("System.Threading.Tasks.ValueTask");
                _formatProvider = compilation.GetTypeByMetadataName("System.IFormatProvider");
                _cultureInfo = compilation.GetTypeByMetadataName("System.Globalization.CultureInfo");
            }

            // ---------------------------------------------------------------- syntax

            public void AnalyzeSyntax(SyntaxNodeAnalysisContext context)
            {
                var node = context.Node;
                switch (node)
                {
                    case TypeParameterListSyntax list:
                        Report(context, Rules.Generic, list, "declaration of type parameters " + list);
                        break;
                    case NullableTypeSyntax nullable:
                        var nullableType = context.SemanticModel.GetTypeInfo(nullable.ElementType).Type;
                        if (nullableType != null && nullableType.IsValueType)
                        {
                            Report(context, Rules.NullableValueType, nullable, nullable.ToString());
                        }

                        break;
                    case TupleTypeSyntax tupleType:
                        Report(context, Rules.Tuple, tupleType, tupleType.ToString());
                        break;
                    case TupleExpressionSyntax tuple:
                        Report(context, Rules.Tuple, tuple, tuple.ToString());
                        break;
                    case RecordDeclarationSyntax record:
                        Report(context, Rules.Record, record.Identifier, "record " + record.Identifier.Text);
                        break;
                    case QueryExpressionSyntax query:
                        Report(context, Rules.Linq, query, "query expression");
                        break;
                    case UsingDirectiveSyntax usingDirective:
                        AnalyzeUsing(context, usingDirective);
                        break;
                    case AwaitExpressionSyntax awaitExpression:
                        Report(context, Rules.Async, awaitExpression, "await");
                        break;
                    case MethodDeclarationSyntax method:
                        ReportAsyncModifier(context, method.Modifiers, method.Identifier.Text);
                        break;
                    case LocalFunctionStatementSyntax local:
                        ReportAsyncModifier(context, local.Modifiers, local.Identifier.Text);
                        break;
                    case AnonymousFunctionExpressionSyntax lambda:
                        if (lambda.AsyncKeyword.IsKind(SyntaxKind.AsyncKeyword))
                        {
                            Report(context, Rules.Async, lambda.AsyncKeyword.GetLocation(), "async lambda");
                        }

                        break;
                    case StackAllocArrayCreationExpressionSyntax _:
                    case ImplicitStackAllocArrayCreationExpressionSyntax _:
                        Report(context, Rules.LanguageFeature, node, "stackalloc is not supported on nanoFramework; allocate the buffer once and reuse it");
                        break;
                    case YieldStatementSyntax _:
                        Report(context, Rules.LanguageFeature, node, "iterators (yield) compile to generic IEnumerable<T>/IEnumerator<T> classes; return an array or write an enumerator class");
                        break;
                    case CatchFilterClauseSyntax _:
                        Report(context, Rules.LanguageFeature, node, "exception filters (catch ... when) are not supported by the nanoFramework interpreter; test inside the catch block");
                        break;
                    case AccessorDeclarationSyntax accessor when accessor.IsKind(SyntaxKind.InitAccessorDeclaration):
                        Report(context, Rules.LanguageFeature, accessor.Keyword.GetLocation(), "init-only setters need IsExternalInit, which nanoFramework lacks; use a constructor");
                        break;
                    case PointerTypeSyntax _:
                    case UnsafeStatementSyntax _:
                    case FixedStatementSyntax _:
                        Report(context, Rules.LanguageFeature, node, "unsafe code and pointers are not allowed in portable code");
                        break;
                    case ArrayRankSpecifierSyntax rank:
                        if (rank.Rank > 1)
                        {
                            Report(context, Rules.MultidimensionalArray, rank, rank.ToString());
                        }

                        break;
                    case PredefinedTypeSyntax predefined:
                        if (predefined.Keyword.IsKind(SyntaxKind.DecimalKeyword))
                        {
                            Report(context, Rules.Decimal, predefined, "decimal");
                        }

                        break;
                    case LiteralExpressionSyntax literal:
                        if (literal.Token.Value is decimal)
                        {
                            Report(context, Rules.Decimal, literal, "decimal literal " + literal.Token.Text);
                        }

                        break;
                    case AnonymousObjectCreationExpressionSyntax anonymous:
                        Report(context, Rules.LanguageFeature, anonymous, "anonymous types are generic classes; declare a type");
                        break;
                    case InterpolatedStringExpressionSyntax interpolated:
                        AnalyzeInterpolation(context, interpolated);
                        break;
                    case BinaryExpressionSyntax add:
                        AnalyzeConcatenation(context, add);
                        break;
                }
            }

            private static void ReportAsyncModifier(SyntaxNodeAnalysisContext context, SyntaxTokenList modifiers, string name)
            {
                foreach (var modifier in modifiers)
                {
                    if (modifier.IsKind(SyntaxKind.AsyncKeyword))
                    {
                        Report(context, Rules.Async, modifier.GetLocation(), "async method " + name);
                    }
                }
            }

            private static void AnalyzeUsing(SyntaxNodeAnalysisContext context, UsingDirectiveSyntax directive)
            {
                var name = directive.Name?.ToString() ?? string.Empty;
                if (name == "System.Linq" || name.StartsWith("System.Linq.", System.StringComparison.Ordinal))
                {
                    Report(context, Rules.Linq, directive, "using " + name);
                }
                else if (name == "System.Threading.Tasks")
                {
                    Report(context, Rules.Async, directive, "using " + name);
                }
                else if (name == "System.Globalization")
                {
                    Report(context, Rules.CultureFormatting, directive, "using " + name);
                }
            }

            private void AnalyzeInterpolation(SyntaxNodeAnalysisContext context, InterpolatedStringExpressionSyntax interpolated)
            {
                foreach (var content in interpolated.Contents)
                {
                    if (content is InterpolationSyntax hole)
                    {
                        if (hole.FormatClause != null)
                        {
                            Report(context, Rules.CultureFormatting, hole, "format specifier in an interpolation hole");
                            continue;
                        }

                        CheckImplicitToString(context, hole.Expression);
                    }
                }
            }

            private void AnalyzeConcatenation(SyntaxNodeAnalysisContext context, BinaryExpressionSyntax add)
            {
                var type = context.SemanticModel.GetTypeInfo(add).Type;
                if (type == null || type.SpecialType != SpecialType.System_String)
                {
                    return;
                }

                CheckImplicitToString(context, add.Left);
                CheckImplicitToString(context, add.Right);
            }

            /// <summary>A value turned into text implicitly (concatenation or interpolation).</summary>
            private void CheckImplicitToString(SyntaxNodeAnalysisContext context, ExpressionSyntax expression)
            {
                var type = context.SemanticModel.GetTypeInfo(expression).Type;
                if (type == null)
                {
                    return;
                }

                if (type.TypeKind == TypeKind.Enum)
                {
                    Report(context, Rules.EnumToString, expression, "enum value " + expression + " turned into text");
                }
                else if (IsCultureSensitiveValue(type))
                {
                    Report(context, Rules.CultureFormatting, expression, type.ToDisplayString() + " value " + expression + " turned into text");
                }
            }

            private static bool IsCultureSensitiveValue(ITypeSymbol type)
            {
                switch (type.SpecialType)
                {
                    case SpecialType.System_Single:
                    case SpecialType.System_Double:
                    case SpecialType.System_Decimal:
                    case SpecialType.System_DateTime:
                        return true;
                }

                var name = type.ToDisplayString();
                return name == "System.TimeSpan" || name == "System.DateTimeOffset";
            }

            // ---------------------------------------------------------------- operations

            public void AnalyzeOperation(OperationAnalysisContext context)
            {
                var operation = context.Operation;
                switch (operation)
                {
                    case IInvocationOperation invocation:
                        CheckInvocation(context, invocation);
                        break;
                    case IObjectCreationOperation creation:
                        CheckType(context, creation.Type, creation.Syntax);
                        if (creation.Constructor != null)
                        {
                            CheckMember(context, creation.Constructor, creation.Syntax);
                        }

                        break;
                    case IMemberReferenceOperation reference:
                        CheckMember(context, reference.Member, reference.Syntax);
                        break;
                    case IBinaryOperation binary:
                        if (binary.OperatorMethod != null)
                        {
                            CheckMember(context, binary.OperatorMethod, binary.Syntax);
                        }

                        break;
                    case IUnaryOperation unary:
                        if (unary.OperatorMethod != null)
                        {
                            CheckMember(context, unary.OperatorMethod, unary.Syntax);
                        }

                        break;
                    case IConversionOperation conversion:
                        if (conversion.OperatorMethod != null)
                        {
                            CheckMember(context, conversion.OperatorMethod, conversion.Syntax);
                        }

                        if (!conversion.IsImplicit)
                        {
                            CheckType(context, conversion.Type, conversion.Syntax);
                        }

                        break;
                    case ITypeOfOperation typeOf:
                        CheckType(context, typeOf.TypeOperand, typeOf.Syntax);
                        break;
                    case IVariableDeclaratorOperation declarator:
                        CheckType(context, declarator.Symbol.Type, declarator.Syntax);
                        break;
                    case IIsTypeOperation isType:
                        CheckType(context, isType.TypeOperand, isType.Syntax);
                        break;
                    case IArrayCreationOperation array:
                        CheckType(context, array.Type, array.Syntax);
                        break;
                    case IDefaultValueOperation defaultValue:
                        CheckType(context, defaultValue.Type, defaultValue.Syntax);
                        break;
                    case ISizeOfOperation sizeOf:
                        CheckType(context, sizeOf.TypeOperand, sizeOf.Syntax);
                        break;
                }
            }

            private void CheckInvocation(OperationAnalysisContext context, IInvocationOperation invocation)
            {
                var method = invocation.TargetMethod;
                var receiverType = invocation.Instance?.Type;

                if (method.Name == "ToString" && receiverType != null)
                {
                    if (receiverType.TypeKind == TypeKind.Enum)
                    {
                        Report(context, Rules.EnumToString, invocation.Syntax, invocation.Syntax.ToString());
                        return;
                    }

                    if (IsCultureSensitiveValue(receiverType) || method.Parameters.Length > 0)
                    {
                        Report(context, Rules.CultureFormatting, invocation.Syntax, invocation.Syntax.ToString());
                        return;
                    }
                }

                if (IsCultureSensitiveCall(method))
                {
                    Report(context, Rules.CultureFormatting, invocation.Syntax, invocation.Syntax.ToString());
                    return;
                }

                CheckMember(context, method, invocation.Syntax);
            }

            private bool IsCultureSensitiveCall(IMethodSymbol method)
            {
                foreach (var parameter in method.Parameters)
                {
                    if (SymbolEqualityComparer.Default.Equals(parameter.Type, _formatProvider)
                        || SymbolEqualityComparer.Default.Equals(parameter.Type, _cultureInfo)
                        || parameter.Type.ToDisplayString() == "System.Globalization.NumberStyles")
                    {
                        return true;
                    }
                }

                var type = method.ContainingType;
                if (type == null)
                {
                    return false;
                }

                if (type.SpecialType == SpecialType.System_String && method.Name == "Format")
                {
                    return true;
                }

                if ((method.Name == "Parse" || method.Name == "TryParse") && IsCultureSensitiveValue(type))
                {
                    return true;
                }

                return false;
            }

            // ---------------------------------------------------------------- symbols

            public void AnalyzeSymbol(SymbolAnalysisContext context)
            {
                var symbol = context.Symbol;
                if (symbol.IsImplicitlyDeclared)
                {
                    return;
                }

                foreach (var attribute in symbol.GetAttributes())
                {
                    if (attribute.AttributeClass != null && attribute.ApplicationSyntaxReference != null)
                    {
                        var where = attribute.ApplicationSyntaxReference.GetSyntax(context.CancellationToken);
                        CheckType(context.ReportDiagnostic, attribute.AttributeClass, where.GetLocation());
                        if (attribute.AttributeConstructor != null)
                        {
                            CheckMember(context.ReportDiagnostic, attribute.AttributeConstructor, where.GetLocation());
                        }
                    }
                }

                var location = symbol.Locations.Length > 0 ? symbol.Locations[0] : Location.None;
                switch (symbol)
                {
                    case INamedTypeSymbol type:
                        if (type.BaseType != null && type.TypeKind == TypeKind.Class)
                        {
                            CheckType(context.ReportDiagnostic, type.BaseType, location);
                        }

                        foreach (var implemented in type.Interfaces)
                        {
                            CheckType(context.ReportDiagnostic, implemented, location);
                        }

                        if (type.TypeKind == TypeKind.Interface)
                        {
                            foreach (var member in type.GetMembers())
                            {
                                if (member is IMethodSymbol m && !m.IsAbstract && !m.IsImplicitlyDeclared && m.MethodKind == MethodKind.Ordinary)
                                {
                                    Report(context.ReportDiagnostic, Rules.LanguageFeature, member.Locations[0],
                                        "default interface members are not supported on nanoFramework");
                                }
                            }
                        }

                        break;
                    case IMethodSymbol method:
                        if (method.MethodKind == MethodKind.PropertyGet || method.MethodKind == MethodKind.PropertySet
                            || method.MethodKind == MethodKind.EventAdd || method.MethodKind == MethodKind.EventRemove)
                        {
                            break;
                        }

                        CheckType(context.ReportDiagnostic, method.ReturnType, location);
                        foreach (var parameter in method.Parameters)
                        {
                            CheckType(context.ReportDiagnostic, parameter.Type, parameter.Locations.Length > 0 ? parameter.Locations[0] : location);
                        }

                        break;
                    case IFieldSymbol field:
                        CheckType(context.ReportDiagnostic, field.Type, location);
                        break;
                    case IPropertySymbol property:
                        CheckType(context.ReportDiagnostic, property.Type, location);
                        foreach (var parameter in property.Parameters)
                        {
                            CheckType(context.ReportDiagnostic, parameter.Type, location);
                        }

                        break;
                    case IEventSymbol eventSymbol:
                        CheckType(context.ReportDiagnostic, eventSymbol.Type, location);
                        break;
                }
            }

            // ---------------------------------------------------------------- shared checks

            private void CheckType(OperationAnalysisContext context, ITypeSymbol? type, SyntaxNode syntax)
            {
                CheckType(context.ReportDiagnostic, type, syntax.GetLocation());
            }

            private void CheckMember(OperationAnalysisContext context, ISymbol member, SyntaxNode syntax)
            {
                CheckMember(context.ReportDiagnostic, member, syntax.GetLocation());
            }

            private void CheckType(System.Action<Diagnostic> report, ITypeSymbol? type, Location location)
            {
                if (type == null)
                {
                    return;
                }

                switch (type)
                {
                    case IArrayTypeSymbol array:
                        if (array.Rank > 1)
                        {
                            Report(report, Rules.MultidimensionalArray, location, array.ToDisplayString());
                        }

                        CheckType(report, array.ElementType, location);
                        return;
                    case IPointerTypeSymbol _:
                    case IFunctionPointerTypeSymbol _:
                        Report(report, Rules.LanguageFeature, location, "unsafe code and pointers are not allowed in portable code");
                        return;
                    case IDynamicTypeSymbol _:
                        Report(report, Rules.LanguageFeature, location, "dynamic is not supported on nanoFramework");
                        return;
                    case ITypeParameterSymbol parameter:
                        Report(report, Rules.Generic, location, "type parameter " + parameter.Name);
                        return;
                    case IErrorTypeSymbol _:
                        return;
                }

                if (type is INamedTypeSymbol named)
                {
                    if (named.IsTupleType)
                    {
                        Report(report, Rules.Tuple, location, named.ToDisplayString());
                        return;
                    }

                    if (named.OriginalDefinition.SpecialType == SpecialType.System_Nullable_T)
                    {
                        Report(report, Rules.NullableValueType, location, named.ToDisplayString());
                        return;
                    }

                    if (IsTask(named))
                    {
                        Report(report, Rules.Async, location, named.ToDisplayString());
                        return;
                    }

                    if (named.IsGenericType)
                    {
                        Report(report, Rules.Generic, location, named.ToDisplayString());
                        return;
                    }

                    if (named.ContainingType != null)
                    {
                        CheckType(report, named.ContainingType, location);
                    }
                }

                if (type.SpecialType == SpecialType.System_Decimal)
                {
                    Report(report, Rules.Decimal, location, "decimal");
                    return;
                }

                if (SymbolEqualityComparer.Default.Equals(type, _cultureInfo))
                {
                    Report(report, Rules.CultureFormatting, location, type.ToDisplayString());
                    return;
                }

                if (IsFromSource(type) || type.SpecialType == SpecialType.System_Void)
                {
                    return;
                }

                CheckAllowed(report, type, location);
            }

            private void CheckMember(System.Action<Diagnostic> report, ISymbol member, Location location)
            {
                // A member listed by name is accepted as it stands: the shared tests' allow-list names MSTest's
                // generic Assert.AreEqual<T>, which maps onto nanoFramework.TestFramework's typed overloads.
                var listed = ApiAllowList.IdOf(member);
                if (listed != null && !IsFromSource(member) && _allowList.Contains(listed) && KnownGaps.Find(listed) == null)
                {
                    return;
                }

                if (member is IMethodSymbol method)
                {
                    if (method.IsGenericMethod)
                    {
                        Report(report, Rules.Generic, location, "generic method " + method.ToDisplayString());
                        return;
                    }

                    if (method.ReducedFrom != null || method.IsExtensionMethod)
                    {
                        var ns = method.ContainingNamespace?.ToDisplayString() ?? string.Empty;
                        if (ns.StartsWith("System.Linq", System.StringComparison.Ordinal))
                        {
                            Report(report, Rules.Linq, location, method.Name);
                            return;
                        }
                    }
                }

                var containing = member.ContainingType;
                if (containing != null)
                {
                    if (containing.ContainingNamespace?.ToDisplayString() == "System.Globalization")
                    {
                        Report(report, Rules.CultureFormatting, location, containing.Name + "." + member.Name);
                        return;
                    }

                    if (containing.IsGenericType || IsTask(containing) || containing.IsTupleType)
                    {
                        CheckType(report, containing, location);
                        return;
                    }

                    if (containing.ContainingNamespace?.ToDisplayString().StartsWith("System.Linq", System.StringComparison.Ordinal) == true)
                    {
                        Report(report, Rules.Linq, location, containing.Name + "." + member.Name);
                        return;
                    }
                }

                if (IsFromSource(member))
                {
                    return;
                }

                CheckAllowed(report, member, location);
            }

            private void CheckAllowed(System.Action<Diagnostic> report, ISymbol symbol, Location location)
            {
                var id = ApiAllowList.IdOf(symbol);
                if (id == null)
                {
                    return;
                }

                var gap = KnownGaps.Find(id);
                if (gap != null)
                {
                    Report(report, Rules.MissingApi, location, id, ": " + gap);
                    return;
                }

                if (_allowList.IsPresent && !_allowList.Contains(id))
                {
                    Report(report, Rules.MissingApi, location, id,
                        " allow-list (eng/nanoframework-stable.api.txt); check the member exists in the nanoFramework stable packages, then add it");
                }
            }

            private bool IsTask(INamedTypeSymbol type)
            {
                var definition = type.OriginalDefinition;
                if (SymbolEqualityComparer.Default.Equals(definition, _task) || SymbolEqualityComparer.Default.Equals(definition, _valueTask))
                {
                    return true;
                }

                var ns = definition.ContainingNamespace?.ToDisplayString();
                return ns == "System.Threading.Tasks" && (definition.Name == "Task" || definition.Name == "ValueTask");
            }

            /// <summary>
            /// True for symbols of this compilation and of referenced portable libraries (marked by
            /// eng/Portable.props with the assembly metadata <c>AssetMeter.Portable</c>), which the guard checked
            /// when it built them.
            /// </summary>
            private bool IsFromSource(ISymbol symbol)
            {
                var assembly = symbol.ContainingAssembly;
                if (assembly == null || SymbolEqualityComparer.Default.Equals(assembly, _compilation.Assembly))
                {
                    return assembly != null;
                }

                lock (_portableAssemblies)
                {
                    bool portable;
                    if (!_portableAssemblies.TryGetValue(assembly, out portable))
                    {
                        portable = assembly.GetAttributes().Any(a =>
                            a.AttributeClass?.ToDisplayString() == "System.Reflection.AssemblyMetadataAttribute"
                            && a.ConstructorArguments.Length == 2
                            && (a.ConstructorArguments[0].Value as string) == PortableMarker);
                        _portableAssemblies[assembly] = portable;
                    }

                    return portable;
                }
            }

            // ---------------------------------------------------------------- reporting

            private static void Report(SyntaxNodeAnalysisContext context, DiagnosticDescriptor rule, SyntaxNode node, params object[] args)
            {
                context.ReportDiagnostic(Diagnostic.Create(rule, node.GetLocation(), args));
            }

            private static void Report(SyntaxNodeAnalysisContext context, DiagnosticDescriptor rule, SyntaxToken token, params object[] args)
            {
                context.ReportDiagnostic(Diagnostic.Create(rule, token.GetLocation(), args));
            }

            private static void Report(SyntaxNodeAnalysisContext context, DiagnosticDescriptor rule, Location location, params object[] args)
            {
                context.ReportDiagnostic(Diagnostic.Create(rule, location, args));
            }

            private static void Report(OperationAnalysisContext context, DiagnosticDescriptor rule, SyntaxNode node, params object[] args)
            {
                context.ReportDiagnostic(Diagnostic.Create(rule, node.GetLocation(), args));
            }

            private static void Report(System.Action<Diagnostic> report, DiagnosticDescriptor rule, Location location, params object[] args)
            {
                report(Diagnostic.Create(rule, location, args));
            }
        }
    }
}
