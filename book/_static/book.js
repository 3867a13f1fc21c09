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
