namespace AssetMeter.Hardware.Atecc608
{
    /// <summary>
    /// Waits at least <paramref name="milliseconds"/>. Portable code owns no clock, so the shell supplies the wait
    /// (Thread.Sleep on the device and on Linux, the emulator's simulated time in tests). The driver waits tWHI after
    /// a wake and each command's execution time before it polls for the response.
    /// </summary>
    public delegate void Atecc608Delay(int milliseconds);
}
