// 公式里的中文（\text{爱}）用页面的中文字体排版。MathJax 排版时就要量出每个字的宽度：字体还没到，
// 量出来的宽度就是错的，字会叠在一起。所以先等中文字体（本机的或随书的）就绪，再让 MathJax 排版
// （_config.yml 里设了 startup.typeset: false）。window.bookMathReady 在排版完成时兑现，测试用它。
window.bookMathReady = new Promise((resolve) => {
  document.addEventListener("DOMContentLoaded", async () => {
    try {
      await document.fonts.load('1em "Book CJK"', "中");
    } finally {
      if (window.MathJax && MathJax.startup) {
        await MathJax.startup.promise;
        await MathJax.typesetPromise();
      }
      resolve(true);
    }
  });
});

// 静态书里的滑块图（wordvec_rnn.sliders.StaticSliders）：每组取值的帧与说明文字都由 Python 预先算好，
// 存在图旁的 <script type="application/json"> 里；拖动滑块时按各滑块的下标换上对应的帧。
function bookSliders(root) {
  const data = JSON.parse(root.querySelector(".book-sliders-data").textContent);
  const controls = data.params.map((p) => root.querySelector(`[data-param="${CSS.escape(p.name)}"]`));
  const image = root.querySelector(".book-sliders-frame");
  const caption = root.querySelector(".book-sliders-caption");
  const show = () => {
    const key = controls.map((c) => c.value).join(",");
    const frame = data.frames[key];
    image.src = frame.src;
    image.alt = frame.alt;
    caption.textContent = frame.alt;
    controls.forEach((c, i) => {
      const output = c.parentElement.querySelector("output");
      if (output) output.textContent = data.params[i].values[Number(c.value)];
    });
    root.dataset.key = key;
  };
  controls.forEach((c) => {
    c.disabled = false;
    c.addEventListener("input", show);
  });
  show();
}
document.addEventListener("DOMContentLoaded", () => document.querySelectorAll(".book-sliders").forEach(bookSliders));
