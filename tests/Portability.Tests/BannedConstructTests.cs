using System.Linq;
using Microsoft.VisualStudio.TestTools.UnitTesting;

namespace AssetMeter.Portability.Tests
{
    [TestClass]
    public class BannedConstructTests
    {
        private const string Usings = "using System; using System.Collections; using System.Threading; ";

        [TestMethod]
        // Generic type use and declaration
        [DataRow("NF1001", "class C { System.Collections.Generic.List<int> items; }", DisplayName = "generic type in a field")]
        [DataRow("NF1001", "class Box<T> { }", DisplayName = "generic class declaration")]
        [DataRow("NF1001", "class C { void M<T>(T x) { } }", DisplayName = "generic method declaration")]
        [DataRow("NF1001", "class C { void M() { Action<int> a = x => { }; } }", DisplayName = "generic delegate")]
        [DataRow("NF1001", "class C { object M() { return Array.Empty<int>(); } }", DisplayName = "generic method call")]
        // Nullable value types, tuples, records
        [DataRow("NF1002", "class C { int? x; }", DisplayName = "nullable int field")]
        [DataRow("NF1002", "class C { void M() { long? y = null; } }", DisplayName = "nullable local")]
        [DataRow("NF1003", "class C { void M() { var t = (1, 2); } }", DisplayName = "tuple literal")]
        [DataRow("NF1003", "class C { (int a, int b) M() { return default; } }", DisplayName = "tuple return type")]
        [DataRow("NF1004", "record R(int A);", DisplayName = "record")]
        [DataRow("NF1004", "record struct S(int A);", DisplayName = "record struct")]
        // async / Task
        [DataRow("NF1005", "class C { async void M() { await System.Threading.Tasks.Task.Yield(); } }", DisplayName = "async method")]
        [DataRow("NF1005", "class C { System.Threading.Tasks.Task t; }", DisplayName = "Task field")]
        // LINQ
        [DataRow("NF1006", "using System.Linq; class C { int M(int[] a) { return a.Count(); } }", DisplayName = "LINQ method")]
        [DataRow("NF1006", "delegate int F(int x); static class Q { public static int[] Select(this int[] a, F f) { return a; } } class C { object M(int[] a) { return from x in a select x; } }", DisplayName = "query expression")]
        // decimal, multidimensional arrays
        [DataRow("NF1007", "class C { decimal d; }", DisplayName = "decimal field")]
        [DataRow("NF1007", "class C { object M() { return 1.5m; } }", DisplayName = "decimal literal")]
        [DataRow("NF1008", "class C { int[,] grid = new int[2, 2]; }", DisplayName = "multidimensional array")]
        // Members missing from nanoFramework's String, Interlocked, TimeSpan, DateTime and others
        [DataRow("NF1009", "class C { string M(string s) { return s.Replace(\"a\", \"b\"); } }", DisplayName = "String.Replace")]
        [DataRow("NF1009", "class C { string M(string[] s) { return string.Join(\",\", s); } }", DisplayName = "String.Join")]
        [DataRow("NF1009", "class C { bool M(string s) { return string.IsNullOrWhiteSpace(s); } }", DisplayName = "String.IsNullOrWhiteSpace")]
        [DataRow("NF1009", "class C { long n; void M() { Interlocked.Increment(ref n); } }", DisplayName = "Interlocked on long")]
        [DataRow("NF1009", "class C { TimeSpan M() { return TimeSpan.FromSeconds(1.5); } }", DisplayName = "TimeSpan.FromSeconds(double)")]
        [DataRow("NF1009", "class C { DateTime M() { return DateTime.Now; } }", DisplayName = "DateTime.Now")]
        [DataRow("NF1009", "class C { void M(int[] a) { Array.Sort((Array)a); } }", DisplayName = "Array.Sort")]
        [DataRow("NF1009", "class C { int M(int a) { return Math.Clamp(a, 0, 1); } }", DisplayName = "Math.Clamp")]
        [DataRow("NF1009", "class C { long M() { return Environment.TickCount64; } }", DisplayName = "clock read in the core")]
        [DataRow("NF1009", "class C { object M() { return new System.Text.RegularExpressions.Regex(\"a\"); } }", DisplayName = "type not on nanoFramework")]
        // Culture-sensitive formatting and parsing
        [DataRow("NF1010", "class C { string M(double d) { return d.ToString(); } }", DisplayName = "double.ToString")]
        [DataRow("NF1010", "class C { string M(int i) { return i.ToString(\"N2\"); } }", DisplayName = "format string")]
        [DataRow("NF1010", "class C { double M(string s) { return double.Parse(s); } }", DisplayName = "double.Parse")]
        [DataRow("NF1010", "class C { string M(int i) { return string.Format(\"{0}\", i); } }", DisplayName = "String.Format")]
        [DataRow("NF1010", "class C { string M(double d) { return $\"{d}\"; } }", DisplayName = "interpolated double")]
        [DataRow("NF1010", "class C { string M(int i) { return $\"{i:X4}\"; } }", DisplayName = "interpolation format specifier")]
        [DataRow("NF1010", "class C { string M(DateTime t) { return \"at \" + t; } }", DisplayName = "DateTime concatenated")]
        [DataRow("NF1010", "class C { object M() { return System.Globalization.CultureInfo.InvariantCulture; } }", DisplayName = "CultureInfo")]
        // Enum names
        [DataRow("NF1011", "enum E { A } class C { string M() { return E.A.ToString(); } }", DisplayName = "enum ToString")]
        [DataRow("NF1011", "enum E { A } class C { string M(E e) { return \"e=\" + e; } }", DisplayName = "enum concatenated")]
        // Other language features the interpreter lacks
        [DataRow("NF1012", "class C { int M() { Span<int> s = stackalloc int[4]; return s[0]; } }", DisplayName = "stackalloc")]
        [DataRow("NF1012", "class C { IEnumerable M() { yield return 1; } }", DisplayName = "iterator")]
        [DataRow("NF1012", "class C { void M() { try { } catch (Exception e) when (e != null) { } } }", DisplayName = "exception filter")]
        [DataRow("NF1012", "class C { public int P { get; init; } }", DisplayName = "init accessor")]
        [DataRow("NF1012", "class C { object M() { return new { A = 1 }; } }", DisplayName = "anonymous type")]
        public void Banned_construct_is_caught(string expectedId, string code)
        {
            var diagnostics = GuardHarness.Analyze(Usings + code);
            Assert.IsTrue(diagnostics.Any(d => d.Id == expectedId),
                "expected " + expectedId + " but got: " + string.Join(" | ", diagnostics.Select(d => d.Id + " " + d.GetMessage())));
        }

        [TestMethod]
        public void Code_inside_the_subset_passes_clean()
        {
            const string code = Usings + @"
                [Flags] public enum Mode { None = 0, A = 1 }
                public struct Point { public long X; }
                public interface ISink { void Put(Point p); }
                public sealed class Counter : IDisposable
                {
                    private readonly object _gate = new object();
                    private long _total;
                    private int _hits;
                    public event EventHandler Changed;
                    public long Add(long value, Mode mode)
                    {
                        lock (_gate) { _total += value; }
                        Interlocked.Increment(ref _hits);
                        if ((mode & Mode.A) != 0 && Changed != null) { Changed(this, EventArgs.Empty); }
                        return _total;
                    }
                    public string Describe(int count, string name) { return name + "" x"" + count; }
                    public TimeSpan Window() { return TimeSpan.FromSeconds(5); }
                    public DateTime Now() { return DateTime.UtcNow; }
                    public void Dispose() { }
                }";
            var diagnostics = GuardHarness.Analyze(code);
            Assert.AreEqual(0, diagnostics.Count, string.Join(" | ", diagnostics.Select(d => d.Id + " " + d.GetMessage())));
        }
    }
}
