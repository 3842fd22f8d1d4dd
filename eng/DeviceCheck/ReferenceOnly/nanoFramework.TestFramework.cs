// Reference-only declaration of the part of nanoFramework.TestFramework 3.0.80 that the shared core tests may use:
// exactly the counterparts of what eng/nanoframework-testframework.api.txt allows ([TestClass], [TestMethod],
// [DataRow], Assert.AreEqual/IsTrue/IsFalse/IsNull/IsNotNull). The package is not served here, so eng/DeviceCheck
// compiles tests/shared against this declaration. Signatures were read from the package's public source
// (github.com/nanoframework/nanoFramework.TestFramework at d4fa55e, one dependency update after tag v3.0.77:
// source/TestFrameworkShared/TestClassAttribute.cs, TestMethodAttribute.cs, DataRowAttribute.cs,
// source/TestFramework/Assert.cs and Assert.AreEqual.cs). The AreEqual overloads are all fifteen the package has,
// because a shared test's AreEqual call must bind to one of them on the device. The rest of the package (Setup,
// Cleanup, ThrowsException, CollectionAssert, OutputHelper...) is left out on purpose: a shared test using it fails
// this check as it would fail the host guard. The bodies are never run.
using System;
using System.Reflection;
using System.Runtime.CompilerServices;

[assembly: AssemblyTitle("Reference-only declaration of nanoFramework.TestFramework (shared-test subset), for eng/DeviceCheck only")]
[assembly: AssemblyVersion("3.0.80.0")]

namespace nanoFramework.TestFramework
{
    [AttributeUsage(AttributeTargets.Class, AllowMultiple = false)]
    public class TestClassAttribute : Attribute
    {
    }

    [AttributeUsage(AttributeTargets.Method, AllowMultiple = false)]
    public class TestMethodAttribute : Attribute
    {
    }

    [AttributeUsage(AttributeTargets.Method, AllowMultiple = true)]
    public class DataRowAttribute : Attribute
    {
        public DataRowAttribute(params object[] methodParameters) { throw null; }
    }

    public sealed partial class Assert
    {
        // The package's Assert has the implicit public constructor; MSTest's is a static class, so no shared test can
        // construct one. Declared private so that the declaration holds only what the allow-list names.
        private Assert() { }

        public static void AreEqual(bool expected, bool actual, [CallerArgumentExpression("actual")] string message = "") { throw null; }
        public static void AreEqual(byte expected, byte actual, [CallerArgumentExpression("actual")] string message = "") { throw null; }
        public static void AreEqual(char expected, char actual, [CallerArgumentExpression("actual")] string message = "") { throw null; }
        public static void AreEqual(DateTime expected, DateTime actual, [CallerArgumentExpression("actual")] string message = "") { throw null; }
        public static void AreEqual(double expected, double actual, [CallerArgumentExpression("actual")] string message = "") { throw null; }
        public static void AreEqual(float expected, float actual, [CallerArgumentExpression("actual")] string message = "") { throw null; }
        public static void AreEqual(int expected, int actual, [CallerArgumentExpression("actual")] string message = "") { throw null; }
        public static void AreEqual(long expected, long actual, [CallerArgumentExpression("actual")] string message = "") { throw null; }
        public static void AreEqual(object expected, object actual, [CallerArgumentExpression("actual")] string message = "") { throw null; }
        public static void AreEqual(sbyte expected, sbyte actual, [CallerArgumentExpression("actual")] string message = "") { throw null; }
        public static void AreEqual(short expected, short actual, [CallerArgumentExpression("actual")] string message = "") { throw null; }
        public static void AreEqual(string expected, string actual, [CallerArgumentExpression("actual")] string message = "") { throw null; }
        public static void AreEqual(uint expected, uint actual, [CallerArgumentExpression("actual")] string message = "") { throw null; }
        public static void AreEqual(ulong expected, ulong actual, [CallerArgumentExpression("actual")] string message = "") { throw null; }
        public static void AreEqual(ushort expected, ushort actual, [CallerArgumentExpression("actual")] string message = "") { throw null; }

        public static void IsTrue(bool condition, [CallerArgumentExpression("condition")] string message = "") { throw null; }
        public static void IsFalse(bool condition, [CallerArgumentExpression("condition")] string message = "") { throw null; }
        public static void IsNull(object value, [CallerArgumentExpression("value")] string message = "") { throw null; }
        public static void IsNotNull(object value, [CallerArgumentExpression("value")] string message = "") { throw null; }
    }
}
