using Microsoft.CodeAnalysis;

namespace AssetMeter.SubsetGuard
{
    /// <summary>
    /// The diagnostics the guard reports. Every one is an error: portable code that leaves the
    /// nanoFramework stable subset compiles on the host but fails (often only at run time) on the device.
    /// </summary>
    public static class Rules
    {
        private const string Category = "nanoFramework.Subset";
        private const string HelpLink = "docs/portable-subset.md";

        public static readonly DiagnosticDescriptor Generic = Make("NF1001",
            "Generics are not supported",
            "{0}: the nanoFramework stable line has no generics (they compile against its reference assemblies and fail at run time); use arrays, ArrayList or a small non-generic class");

        public static readonly DiagnosticDescriptor NullableValueType = Make("NF1002",
            "Nullable value types are not supported",
            "{0}: Nullable<T> does not exist on the nanoFramework stable line; use a sentinel field plus a bool, or a TryX(out value) method");

        public static readonly DiagnosticDescriptor Tuple = Make("NF1003",
            "Tuples are not supported",
            "{0}: tuples are ValueTuple<...> (generic); return a small struct or use out parameters");

        public static readonly DiagnosticDescriptor Record = Make("NF1004",
            "Records are not supported",
            "{0}: records need IEquatable<T> and init-only setters; write a class or struct");

        public static readonly DiagnosticDescriptor Async = Make("NF1005",
            "async/await and Task are not supported",
            "{0}: nanoFramework has no System.Threading.Tasks; keep the core synchronous and let shells own threads");

        public static readonly DiagnosticDescriptor Linq = Make("NF1006",
            "LINQ is not supported",
            "{0}: there is no System.Linq on nanoFramework; write the loop");

        public static readonly DiagnosticDescriptor Decimal = Make("NF1007",
            "decimal is not supported",
            "{0}: System.Decimal has no arithmetic on nanoFramework; keep energy in integer fixed point (long)");

        public static readonly DiagnosticDescriptor MultidimensionalArray = Make("NF1008",
            "Multidimensional arrays are not supported",
            "{0}: nanoFramework supports jagged arrays only (T[][])");

        public static readonly DiagnosticDescriptor MissingApi = Make("NF1009",
            "API not in the nanoFramework stable subset",
            "{0} is not in the nanoFramework stable API{1}");

        public static readonly DiagnosticDescriptor CultureFormatting = Make("NF1010",
            "Culture-sensitive formatting or parsing",
            "{0}: formatting and parsing differ between desktop cultures and nanoFramework (which has none); use the invariant integer text helpers of the portable core");

        public static readonly DiagnosticDescriptor EnumToString = Make("NF1011",
            "Enum name formatting",
            "{0}: on nanoFramework an enum formats as its number, not its name; map the value to text explicitly");

        public static readonly DiagnosticDescriptor LanguageFeature = Make("NF1012",
            "Language feature not supported by nanoFramework",
            "{0}");

        private static DiagnosticDescriptor Make(string id, string title, string message)
        {
            return new DiagnosticDescriptor(id, title, message, Category, DiagnosticSeverity.Error,
                isEnabledByDefault: true, description: null, helpLinkUri: HelpLink);
        }
    }
}
